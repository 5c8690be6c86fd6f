// The portal's only script (the CSP allows no inline one): after a refused submission, move the keyboard focus
// to the first field in error, so a screen-reader user hears what to correct (WCAG 3.3.1).
document.addEventListener("DOMContentLoaded", () => {
  const first = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (first) {
    first.focus();
  }
});
