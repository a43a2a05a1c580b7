"""Clinical scenarios: each test a short story in dates, from a cited source (issue: clinical
safety). Given these logs and sessions, today is …, then these flags, this Today page, these
notices; told through the services the app uses."""
