// Photos on the phone inspection page: a camera picture (often 4000 px, 3–8 MB) is redrawn at most 1600 px
// wide as JPEG before it is kept and sent, to spare a weak connection. Whenever that fails (an old browser,
// a format the canvas cannot draw) or would not make the file smaller, the original is kept as it is.
(function () {
  'use strict';
  var MAX_SIDE = 1600, QUALITY = 0.85;

  function load(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error('decode')); };
      img.src = url;
    });
  }

  function toBlob(canvas) {
    return new Promise(function (resolve) {
      if (!canvas.toBlob) { resolve(null); return; }
      canvas.toBlob(function (blob) { resolve(blob); }, 'image/jpeg', QUALITY);
    });
  }

  function original(file) {
    return file.arrayBuffer().then(function (bytes) {
      return { bytes: bytes, mime: file.type || 'application/octet-stream', name: file.name || 'photo.jpg', size: file.size, shrunk: false };
    });
  }

  // {bytes: ArrayBuffer, mime, name, size, shrunk}
  function prepare(file) {
    return load(file).then(function (img) {
      var w = img.naturalWidth, h = img.naturalHeight, scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      if (!w || !h || (scale === 1 && file.type === 'image/jpeg')) return original(file);
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
      return toBlob(canvas).then(function (blob) {
        if (!blob || !blob.size || blob.size >= file.size) return original(file);
        var base = (file.name || 'photo').replace(/\.[^.]*$/, '');
        return blob.arrayBuffer().then(function (bytes) {
          return { bytes: bytes, mime: 'image/jpeg', name: base + '.jpg', size: blob.size, shrunk: true };
        });
      });
    }).catch(function () { return original(file); });
  }

  window.fsFieldPhoto = { prepare: prepare };
})();
