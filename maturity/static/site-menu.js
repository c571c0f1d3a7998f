// The header's links fold into a menu on a phone. The menu is a <details> that the
// page sends open, so that without JavaScript every link shows; this script (deferred:
// it must not hold up the parsing of every page) closes it at phone width once the page
// is parsed, opens it again on a wider screen, and closes it on Escape or a tap elsewhere. Log out and the
// language switch are not in the menu: they stay in the top bar.
(function () {
  var menu = document.querySelector("details[data-site-menu]");
  if (!menu || !window.matchMedia) { return; }
  var phone = window.matchMedia("(max-width: 640px)");
  function fit() {
    menu.open = !phone.matches;
  }
  menu.classList.add("folds");
  fit();
  if (phone.addEventListener) { phone.addEventListener("change", fit); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && phone.matches && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (phone.matches && menu.open && !menu.contains(event.target)) { menu.open = false; }
  });
})();
