// Signature pad for the customer's sign-off: pointer events (finger, pen or mouse) on a <canvas>;
// the drawing goes into the hidden "signature" field as a PNG data URL when the form is sent.
// Without JavaScript the pad stays hidden and the typed signature is used instead.
(function () {
  "use strict";
  var pad = document.getElementById("signature-pad");
  var canvas = document.getElementById("signature-canvas");
  var form = document.getElementById("sign-off-form");
  if (!pad || !canvas || !form || !canvas.getContext) return;
  var field = form.querySelector("input[name=signature]");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var inked = false;
  var last = null;

  pad.hidden = false;

  function fit() {
    // Draw at the screen's pixel density so the strokes stay sharp. A resize (rotation, a
    // full-page capture) keeps what was drawn, scaled to the new box.
    var copy = null;
    if (inked) {
      copy = document.createElement("canvas");
      copy.width = canvas.width;
      copy.height = canvas.height;
      copy.getContext("2d").drawImage(canvas, 0, 0);
    }
    var ratio = Math.min(window.devicePixelRatio || 1, 3);
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.round(rect.width * ratio);
    canvas.height = Math.round(rect.height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    if (copy) {
      ctx.drawImage(copy, 0, 0, copy.width, copy.height, 0, 0, rect.width, rect.height);
      field.value = canvas.toDataURL("image/png");
    } else {
      field.value = "";
    }
  }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    inked = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
  });
  function stop() {
    drawing = false;
    if (inked) field.value = canvas.toDataURL("image/png");
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    inked = false;
    field.value = "";
  });
  form.addEventListener("submit", function () {
    if (inked) field.value = canvas.toDataURL("image/png");
  });

  var width = 0;
  window.addEventListener("resize", function () {
    // Phones fire resize when the address bar hides: only a real width change redraws the pad.
    var now = canvas.getBoundingClientRect().width;
    if (now !== width) { width = now; fit(); }
  });
  width = canvas.getBoundingClientRect().width;
  fit();
})();
