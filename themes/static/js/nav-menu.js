// The header's "Manage" menu is a <details> disclosure and works without this file. This
// adds what a menu is expected to do: Escape closes it and puts focus back on its button,
// and a click or focus outside it closes it, so it never stays open over the page.
(function () {
  var menus = document.querySelectorAll("[data-nav-menu]");
  if (!menus.length) return;

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (!menu.open) return;
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  document.addEventListener("click", function (event) {
    closeAll(event.target.closest("[data-nav-menu]"));
  });

  document.addEventListener("focusin", function (event) {
    closeAll(event.target.closest("[data-nav-menu]"));
  });
})();
