// Type-ahead for long selects (问题属地, 问题分类, 被反映单位): select[data-search] becomes a text box with a
// list that filters on the characters typed, or on pinyin initials / full pinyin ("qx" or "qingxi" for 清溪),
// of the name or of an org's 简称 ("rsj" for 区人社局).
// The pinyin comes from the server (forms.SearchSelect: data-py, data-pinyin); the tree depth and parent
// name of an org (data-depth, data-parent) keep the list indented in tree order. The native select stays in
// the form, hidden, and holds the value that is submitted: without JavaScript the page still works.
// No inline styles (Content-Security-Policy): indentation is the depth-N classes of app.css.
(function () {
  "use strict";

  var MAX_SHOWN = 300;

  function optionsOf(select) {
    return Array.prototype.map.call(select.options, function (option, index) {
      return {
        index: index, value: option.value,
        text: option.textContent.replace(/^[\u3000\s]+/, ""),
        // One token per character, each every initial it may be read with: "b s z zc ly c" (白沙镇长乐村).
        initials: (option.getAttribute("data-py") || "").split(" ").filter(Boolean),
        pinyin: option.getAttribute("data-pinyin") || "",
        alias: (option.getAttribute("data-alias") || "").toLowerCase(),
        aliasInitials: (option.getAttribute("data-alias-py") || "").split(" ").filter(Boolean),
        depth: parseInt(option.getAttribute("data-depth") || "0", 10),
        parent: option.getAttribute("data-parent") || ""
      };
    });
  }

  // Whether the typed letters are the initials of consecutive characters ("qx" in 青石镇清溪村 matches 清溪).
  function initialsMatch(tokens, query) {
    for (var start = 0; start + query.length <= tokens.length; start++) {
      var k = 0;
      while (k < query.length && tokens[start + k].indexOf(query.charAt(k)) !== -1) k++;
      if (k === query.length) return true;
    }
    return false;
  }

  function matches(option, query) {
    if (!query) return true;
    if (!option.value) return false; // "请选择" is no answer to a search
    var letters = query.replace(/\s+/g, "");
    return option.text.toLowerCase().indexOf(query) !== -1 || option.pinyin.indexOf(query) !== -1 ||
      initialsMatch(option.initials, letters) || (option.alias && option.alias.indexOf(query) !== -1) ||
      initialsMatch(option.aliasInitials, letters);
  }

  function enhance(select) {
    var options = optionsOf(select);
    var wrap = document.createElement("div");
    wrap.className = "combo";
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-search";
    input.className = "combo-input";
    input.autocomplete = "off";
    input.placeholder = "输入名称或拼音首字母";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.id = select.id + "-options";
    list.className = "combo-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var help = document.getElementById(select.id + "-help");
    if (help) input.setAttribute("aria-describedby", help.id);
    // The label stays the select's (tests and scripts that pick an option by label still find the select);
    // the text box is named by its title. The select comes first so that Enter's "next field" (app.js),
    // landing on it, is sent on to the text box.
    var label = document.querySelector("label[for='" + select.id + "']");
    input.title = (label ? label.textContent.trim() + "：" : "") + "输入名称或拼音首字母查找";
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(select);
    wrap.appendChild(input);
    wrap.appendChild(list);
    select.classList.add("combo-native");
    select.tabIndex = -1;
    select.addEventListener("focus", function () { input.focus(); });

    var shown = [];
    var active = -1;

    function selectedText() {
      var option = options[select.selectedIndex];
      return option && option.value ? option.text : "";
    }

    function setActive(position) {
      var items = list.querySelectorAll("[role=option]");
      if (active >= 0 && items[active]) items[active].classList.remove("is-active");
      active = position;
      if (active >= 0 && items[active]) {
        items[active].classList.add("is-active");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(query) {
      var q = query.trim().toLowerCase();
      shown = options.filter(function (option) { return matches(option, q); }).slice(0, MAX_SHOWN);
      list.textContent = "";
      shown.forEach(function (option, position) {
        var item = document.createElement("li");
        item.id = list.id + "-" + option.index;
        item.setAttribute("role", "option");
        item.className = "combo-option depth-" + Math.min(option.depth, 4);
        item.setAttribute("data-position", String(position));
        item.appendChild(document.createTextNode(option.text));
        if (q && option.parent) {
          // Filtered out of its tree, a village is named with its township.
          var hint = document.createElement("span");
          hint.className = "combo-hint";
          hint.textContent = "（" + option.parent + "）";
          item.appendChild(hint);
        }
        if (option.index === select.selectedIndex) item.setAttribute("aria-selected", "true");
        list.appendChild(item);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "combo-empty";
        none.textContent = "无匹配项";
        list.appendChild(none);
      }
      open();
      var current = shown.findIndex(function (option) { return option.index === select.selectedIndex; });
      setActive(q ? (shown.length ? 0 : -1) : current);
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function choose(option) {
      var changed = select.selectedIndex !== option.index;
      select.selectedIndex = option.index;
      input.value = option.value ? option.text : "";
      close();
      // htmx (the repeat candidates) and the form's other scripts listen for the select's change.
      if (changed) select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.value = selectedText();
    input.addEventListener("input", function () { render(input.value); });
    input.addEventListener("click", function () { if (list.hidden) render(""); });
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { render(""); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(Math.max(0, Math.min(shown.length - 1, active + step)));
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        // Choose, then let the form's Enter handler (app.js) move on to the next field.
        if (!list.hidden && shown[active]) choose(shown[active]);
        event.preventDefault();
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        input.value = selectedText();
        close();
      } else if (event.key === "Tab" && !list.hidden && input.value !== selectedText() && shown[active]) {
        choose(shown[active]);
      }
    });
    input.addEventListener("blur", function () {
      close();
      if (!input.value.trim() && options[0] && !options[0].value) choose(options[0]);
      else input.value = selectedText(); // a half-typed search never stands for a choice
    });
    // Keep the focus in the text box while an option is clicked.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) choose(shown[parseInt(item.getAttribute("data-position"), 10)]);
    });
    select.addEventListener("change", function () { input.value = selectedText(); });
    syncs.push(function () { input.value = selectedText(); });
  }

  // After Back, the browser restores the selects' values without a change event (and after our start).
  var syncs = [];
  window.addEventListener("pageshow", function () { syncs.forEach(function (sync) { sync(); }); });

  function enhanceAll(root) {
    root.querySelectorAll("select[data-search]:not(.combo-native)").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
})();
