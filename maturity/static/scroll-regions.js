// A table that is wider than a phone scrolls in place; a region that scrolls must be
// reachable by keyboard (WCAG 2.1.1), so it is made focusable and named after its table.
(function () {
  function mark() {
    document.querySelectorAll("main table.table, main .table-scroll, main .table-wrap").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
        if (el.tagName !== "TABLE") {
          el.setAttribute("role", "region");
          var caption = el.querySelector("caption");
          if (caption) { el.setAttribute("aria-label", caption.textContent.trim()); }
        }
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
