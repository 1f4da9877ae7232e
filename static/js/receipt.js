/* The intake receipt: the petition is saved, so its draft goes; the print button prints. */
(function () {
  "use strict";
  try { localStorage.removeItem("desk-draft-intake"); } catch (e) { /* private mode */ }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
