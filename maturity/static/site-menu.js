// The header's links fold into a menu on a phone: a <details> sent closed, whose open
// state shows the links' <nav> beside it (CSS: "Phone header menu, closed as it
// arrives" in app.css), so the menu is closed from the first paint and opens without
// this script. The script closes it on Escape, on a tap elsewhere, and when the screen
// turns from wide to narrow. Log out and the language switch are not in the menu: they
// stay in the top bar.
(function () {
  var menu = document.querySelector("details[data-site-menu]");
  var links = document.getElementById("site-nav");
  if (!menu || !window.matchMedia) { return; }
  var phone = window.matchMedia("(max-width: 640px)");
  if (phone.addEventListener) {
    phone.addEventListener("change", function () { menu.open = false; });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && phone.matches && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    var inside = menu.contains(event.target) || (links && links.contains(event.target));
    if (phone.matches && menu.open && !inside) { menu.open = false; }
  });
})();
