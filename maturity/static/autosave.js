// Background save of every answer as soon as it is given.
// Without JavaScript the page's own "Save" buttons post the whole page instead.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) return;
  var url = form.dataset.autosaveUrl;
  var csrf = form.dataset.csrf;
  var pending = {};      // question id -> true while a save is outstanding or queued
  var inFlight = {};     // question id -> true while its request is on the way
  var again = {};        // question id -> changed again while in flight: save once more after
  var timers = {};

  function fieldset(questionId) {
    return form.querySelector('fieldset[data-question="' + questionId + '"]');
  }

  function setStatus(box, text, kind) {
    var status = box.querySelector("[data-status]");
    status.textContent = text;
    status.className = "save-status" + (kind ? " " + kind : "");
  }

  function chosenValue(box) {
    var checked = box.querySelector('input[type=radio]:checked');
    return checked ? checked.value : null;
  }

  function updateProgress(answered, total) {
    var counter = document.querySelector("[data-answered]");
    if (counter) counter.textContent = answered;
    var bar = document.querySelector("[data-progressbar]");
    if (bar) {
      bar.setAttribute("aria-valuenow", answered);
      bar.firstElementChild.style.width = Math.round(100 * answered / total) + "%";
    }
    var count = document.querySelector('[data-dimension-count="' + form.dataset.dimension + '"]');
    if (count) {
      var boxes = form.querySelectorAll("fieldset[data-question]");
      // As the server counts: a carried-over answer counts once someone confirms it.
      var answeredHere = Array.prototype.filter.call(boxes, function (box) {
        return chosenValue(box) !== null && !box.hasAttribute("data-carried");
      }).length;
      count.textContent = answeredHere + "/" + boxes.length;
    }
  }

  function save(questionId, attempt) {
    var box = fieldset(questionId);
    var value = chosenValue(box);
    if (value === null) {
      setStatus(box, form.dataset.msgNoteNeedsLevel, "hint");
      return;
    }
    pending[questionId] = true;
    if (inFlight[questionId]) {
      // One request per question at a time, so each names the revision it saw.
      again[questionId] = true;
      return;
    }
    inFlight[questionId] = true;
    setStatus(box, form.dataset.msgSaving, "");
    var body = {
      question_id: questionId,
      value: value,  // the radio's value as it is: the server parses levels and "not applicable"
      note: box.querySelector("textarea").value,
      revision: parseInt(box.dataset.revision, 10) || 0
    };
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight[questionId] = false;
      var data = result.data;
      if (result.status === 200) {
        delete pending[questionId];
        box.removeAttribute("data-carried");  // saved again: confirmed for this round
        box.dataset.revision = data.revision;
        box.querySelector('input[name="rev-' + questionId + '"]').value = data.revision;
        setStatus(box, form.dataset.msgSaved + " · " + data.saved_at, "ok");
        updateProgress(data.answered, data.total);
        if (again[questionId]) {
          again[questionId] = false;
          save(questionId, 0);
        }
      } else if (result.status === 409) {
        delete pending[questionId];
        again[questionId] = false;
        var current = data.current;
        box.dataset.revision = current.revision;
        box.querySelector('input[name="rev-' + questionId + '"]').value = current.revision;
        var radio = box.querySelector('input[type=radio][value="' + current.value + '"]');
        if (radio) radio.checked = true;
        box.querySelector("textarea").value = current.note;
        setStatus(box, form.dataset.msgConflict.replace("__NAME__", current.by || "?"), "error");
      } else {
        delete pending[questionId];
        setStatus(box, (data.error && data.error.message) || form.dataset.msgFailed, "error");
      }
    }).catch(function () {
      inFlight[questionId] = false;
      again[questionId] = false;
      // Network trouble: keep the answer and retry with a growing pause.
      setStatus(box, form.dataset.msgFailed, "error");
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt || 0));
      timers[questionId] = setTimeout(function () { save(questionId, (attempt || 0) + 1); }, delay);
    });
  }

  form.dataset.dimension = (location.pathname.split("/").pop() || "");
  form.addEventListener("change", function (event) {
    var box = event.target.closest("fieldset[data-question]");
    if (!box || event.target.type !== "radio") return;
    clearTimeout(timers[box.dataset.question]);
    save(box.dataset.question, 0);
  });
  // Choosing a carried-over answer again confirms it, although the choice does not change.
  form.addEventListener("click", function (event) {
    var box = event.target.closest("fieldset[data-carried]");
    if (!box || event.target.type !== "radio" || !event.target.checked) return;
    if (event.target.value !== box.dataset.carriedValue) return;  // a new choice: "change" saves it
    clearTimeout(timers[box.dataset.question]);
    save(box.dataset.question, 0);
  });
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-carried]"), function (box) {
    box.dataset.carriedValue = chosenValue(box);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var box = event.target.closest("fieldset[data-question]");
    var questionId = box.dataset.question;
    pending[questionId] = true;
    clearTimeout(timers[questionId]);
    timers[questionId] = setTimeout(function () { save(questionId, 0); }, 800);
  });
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length > 0) {
      event.preventDefault();
      event.returnValue = form.dataset.msgUnsaved;
      return form.dataset.msgUnsaved;
    }
  });
})();
