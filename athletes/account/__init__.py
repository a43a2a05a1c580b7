"""A person's account pages: invitations (accept, invite staff and athletes), the clinic's
page (staff, invitations, teams), signing in with "stay signed in", and the e-mail address."""
