// Shrink photos on the phone before they are sent: a 4000-pixel camera picture becomes a
// 1600-pixel JPEG of a few hundred kilobytes, which a weak village signal can carry.
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.8, MIN_BYTES = 400 * 1024;
  if (!window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;

  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < MIN_BYTES) return Promise.resolve(file);
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.files.length || input.dataset.shrunk) return;
    Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
      var transfer = new DataTransfer();
      files.forEach(function (f) { transfer.items.add(f); });
      input.dataset.shrunk = "1";
      input.files = transfer.files;
      delete input.dataset.shrunk;
    });
  });
})();
