// The sitting page: save each choice as it is made, count down to the server's deadline,
// hand the paper in when time is up. Without this script the form still works.
(function () {
  "use strict";
  var form = document.getElementById("quiz-paper");
  var clock = document.getElementById("quiz-countdown");
  var saved = document.getElementById("quiz-saved");
  if (!form || !clock) return;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function save(fieldset) {
    var body = new FormData();
    body.append("question", fieldset.dataset.question);
    fieldset.querySelectorAll("input:checked").forEach(function (input) {
      body.append("answer", input.value);
    });
    return fetch(form.dataset.saveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
    }).then(function (response) {
      if (response.status === 409) { form.submit(); return; }  // time up or handed in
      saved.textContent = response.ok ? saved.dataset.ok || "✓" : "!";
    }).catch(function () { saved.textContent = "!"; });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) save(fieldset);
  });

  var deadline = Date.now() + Number(clock.dataset.secondsLeft) * 1000;
  var handedIn = false;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    clock.parentElement.classList.toggle("is-low", left <= 60);
    if (left === 0 && !handedIn) { handedIn = true; form.submit(); return; }
    setTimeout(tick, 500);
  }
  form.addEventListener("submit", function () { handedIn = true; });
  tick();
})();
