// Intake keyboard flow and the channel-adaptive registration form. Plain JS: no build step.
(function () {
  "use strict";

  function adaptToChannel(form) {
    var channel = form.querySelector("[name=channel]");
    if (!channel) return;
    var value = channel.value;
    form.querySelectorAll("[data-channels]").forEach(function (el) {
      var shown = el.getAttribute("data-channels").split(" ").indexOf(value) !== -1;
      if (shown) el.removeAttribute("data-hidden-by-channel");
      else el.setAttribute("data-hidden-by-channel", "");
    });
    var labels = {
      visit: "来访人数（人次）", letter: "联名人数（人次）", call: "来电人数（人次）"
    };
    var personLabel = form.querySelector("label[for=id_person_times]");
    if (personLabel) personLabel.textContent = labels[value] || "人数（人次）";
    var refLabels = {
      letter: "信封邮戳/来信编号", hotline_transfer: "12345工单号",
      assigned_from_above: "交办文号", leader_mailbox: "信箱件编号"
    };
    var refLabel = form.querySelector("label[for=id_source_reference]");
    if (refLabel) refLabel.textContent = refLabels[value] || "来源编号";
  }

  function addPetitionerRow() {
    var hidden = document.querySelector(".petitioner-row.is-hidden");
    if (!hidden) return;
    hidden.classList.remove("is-hidden");
    var first = hidden.querySelector("input[name$='-name']");
    if (first) first.focus();
  }

  function focusables(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]), select, textarea, button"),
      function (el) { return el.offsetParent !== null && !el.disabled; }
    );
  }

  // Buttons declare what they do with data attributes: the Content-Security-Policy refuses inline
  // onclick handlers. Delegated from the document, so buttons that htmx swaps in work too.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-dismiss-form]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) window.print();
    else if (target.closest("form")) target.closest("form").remove();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("register-form");
    document.addEventListener("keydown", function (event) {
      if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
        var search = document.getElementById("top-q");
        if (search) { event.preventDefault(); search.focus(); }
      }
    });
    if (!form) return;
    adaptToChannel(form);
    form.querySelector("[name=channel]").addEventListener("change", function () { adaptToChannel(form); });
    document.getElementById("add-petitioner").addEventListener("click", addPetitionerRow);
    var submitted = false;
    form.addEventListener("submit", function (event) {
      // A double click sends one request; the idempotency key guards the server side too.
      if (submitted) { event.preventDefault(); return; }
      submitted = true;
      document.getElementById("submit-register").disabled = true;
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (event.altKey && (event.key === "p" || event.key === "P")) {
        event.preventDefault();
        addPetitionerRow();
        return;
      }
      // Enter moves to the next field, as intake clerks expect; it never submits half a form.
      if (event.key === "Enter" && event.target.tagName !== "TEXTAREA" && event.target.type !== "submit" && event.target.type !== "button") {
        event.preventDefault();
        var items = focusables(form);
        var next = items[items.indexOf(event.target) + 1];
        if (next) next.focus();
      }
    });
    var firstError = form.querySelector(".has-error input, .has-error select, .has-error textarea");
    (firstError || form.querySelector("[name=channel]")).focus();
  });
})();
