// Snippet tabs (one language choice for the whole site) and copy buttons. No dependencies.
(function () {
  "use strict";
  var STORAGE_KEY = "minbil-docs-language";

  function remembered() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  function remember(lang) {
    try { window.localStorage.setItem(STORAGE_KEY, lang); } catch (e) { /* private mode: fine */ }
  }

  function showLanguage(lang) {
    document.querySelectorAll("[data-tabs]").forEach(function (tabs) {
      if (!tabs.querySelector('.tab[data-lang="' + lang + '"]')) { return; }
      tabs.querySelectorAll(".tab").forEach(function (tab) {
        var on = tab.getAttribute("data-lang") === lang;
        tab.classList.toggle("active", on);
        tab.setAttribute("aria-selected", on ? "true" : "false");
      });
      tabs.querySelectorAll(".tabpanel").forEach(function (panel) {
        panel.classList.toggle("active", panel.getAttribute("data-lang") === lang);
      });
    });
  }

  document.querySelectorAll("[data-tabs] .tab").forEach(function (tab) {
    tab.addEventListener("click", function () {
      var lang = tab.getAttribute("data-lang");
      var top = tab.getBoundingClientRect().top;
      showLanguage(lang);
      remember(lang);
      // Keep the clicked tab where it was while panels above change height.
      window.scrollBy(0, tab.getBoundingClientRect().top - top);
    });
  });
  // On narrow screens the sidebar is a bar: its Menu button shows and hides the page list.
  var toggle = document.querySelector(".nav-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = toggle.closest(".sidebar").classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "Close" : "Menu";
    });
  }

  var saved = remembered();
  if (saved) { showLanguage(saved); }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.querySelectorAll("pre.code").forEach(function (pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy to clipboard");
    button.addEventListener("click", function () {
      copyText(pre.querySelector("code").textContent).then(function () {
        button.textContent = "Copied";
        button.classList.add("done");
      }, function () {
        button.textContent = "Press Ctrl+C";
      });
      window.setTimeout(function () {
        button.textContent = "Copy";
        button.classList.remove("done");
      }, 1600);
    });
    // The button sits in a wrapper so it stays put when the code scrolls sideways.
    var wrap = document.createElement("div");
    wrap.className = "code-wrap";
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    wrap.appendChild(button);
  });
})();
