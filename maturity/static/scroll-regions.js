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

// The answering pages' progress sticks to the top of the screen: its real height goes
// into --progress-height, the page's scroll padding in app.css, so that a
// jump to a question lands below it; on a phone its row of steps shows the current one.
(function () {
  var panel = document.querySelector("main .progress");
  if (!panel) { return; }
  var root = document.documentElement;
  function measure() {
    root.style.setProperty("--progress-height", Math.ceil(panel.getBoundingClientRect().height) + "px");
  }
  function showCurrentStep() {
    var steps = panel.querySelector(".steps");
    var current = steps && steps.querySelector(".current");
    if (current && steps.scrollWidth > steps.clientWidth) {
      steps.scrollLeft += current.getBoundingClientRect().left - steps.getBoundingClientRect().left - 16;
    }
  }
  measure();
  showCurrentStep();
  if (window.ResizeObserver) { new ResizeObserver(measure).observe(panel); }
  window.addEventListener("resize", measure);
  // A page opened on a question: land on it again once the padding is known.
  window.addEventListener("load", function () {
    var target = null;
    try { target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1))); }
    catch (error) { return; }  // a malformed fragment names nothing
    if (target && panel.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING &&
        target.getBoundingClientRect().top < panel.getBoundingClientRect().bottom) {
      target.scrollIntoView();
    }
  });
})();
