// The registration form's 保存并登记下一件 (Ctrl+Shift+Enter). app.js handles the rest of the form's keys.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("register-form");
    var next = document.getElementById("submit-register-next");
    if (!form || !next) return;
    // Capture phase: before app.js's Ctrl+Enter handler, which would submit with the plain 保存登记.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.shiftKey && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        event.stopPropagation();
        form.requestSubmit(next);
      }
    }, true);
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      // A disabled submitter is left out of the form data: carry its name=value in a hidden field instead.
      if (event.submitter === next) {
        var carried = document.createElement("input");
        carried.type = "hidden";
        carried.name = next.name;
        carried.value = next.value;
        form.appendChild(carried);
      }
      next.disabled = true;
    });
  });
})();
