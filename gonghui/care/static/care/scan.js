// The phone's camera reads the worker's QR code where the browser can (BarcodeDetector);
// elsewhere a scanner app or gun types into the field, or staff type an ID or phone.
(function () {
  function wire() {
    var button = document.querySelector(".scan-camera");
    var input = document.getElementById("scan-code");
    if (!button || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      var video = document.createElement("video");
      video.srcObject = stream;
      video.setAttribute("playsinline", "");
      video.className = "scan-video";
      button.closest("form").prepend(video);
      await video.play();
      var timer = setInterval(async function () {
        var codes = await detector.detect(video).catch(function () { return []; });
        if (!codes.length) return;
        clearInterval(timer);
        stream.getTracks().forEach(function (t) { t.stop(); });
        video.remove();
        input.value = codes[0].rawValue;
        input.form.requestSubmit();
      }, 250);
    });
  }
  document.addEventListener("DOMContentLoaded", wire);
  document.addEventListener("htmx:afterSwap", function () {
    wire();
    var input = document.getElementById("scan-code");
    if (input) input.focus();
  });
})();
