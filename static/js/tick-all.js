// "Tick all" buttons: tick every proposal box of the button's own form.
(function () {
  "use strict";
  document.querySelectorAll("[data-tick-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      button.form.querySelectorAll("input[name=petitions]").forEach(function (box) { box.checked = true; });
    });
  });
})();
