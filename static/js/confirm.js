// Ask before an action that is hard to take back: a submit button with data-confirm="…".
// (The content security policy forbids inline handlers; without JavaScript the form submits.)
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset ? button.dataset.confirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
