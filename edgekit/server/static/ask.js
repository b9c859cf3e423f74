/* The app page's script: stream the answer, ask by voice, read the answer aloud.
   Plain ES5 with promises (older phone browsers), no library, no build step. Every word it shows comes from the
   page's translated messages, and everything it shows from the box is set with textContent, never as HTML.
   Without it (or if it fails) the form still posts and the box renders the answer page itself. */
(function () {
  "use strict";
  var form = document.getElementById("ask");
  if (!form || !window.fetch || !window.Promise) return;

  var messages = JSON.parse(document.getElementById("messages").textContent);
  var app = form.getAttribute("data-app");
  var lang = form.getAttribute("data-lang");
  var csrf = form.getAttribute("data-csrf");
  var byId = function (id) { return document.getElementById(id); };
  var question = byId("question"), send = byId("send"), problem = byId("problem");
  var answerBox = byId("answer"), statusLine = byId("status"), answerText = byId("answer-text");
  var sources = byId("sources"), sourcesTitle = byId("sources-title");
  var withdrawnBox = byId("withdrawn"), withdrawnText = byId("withdrawn-text");
  var readForm = byId("read-form"), readText = byId("read-text"), readButton = byId("read"), audio = byId("voice");
  var talk = byId("talk"), talkHelp = byId("talk-help"), recordFile = byId("record-file"), fileInput = byId("audio");
  var busy = false, note = statusLine.textContent;

  function t(key) { return messages[key] || key; }
  function errorText(code) { return messages["errors." + code] || messages["errors.generic"]; }
  function failure(code) { var error = new Error(code); error.code = code; return error; }
  function appUrl(path) { return "/apps/" + encodeURIComponent(app) + path; }

  function showProblem(code) {
    problem.textContent = code ? errorText(code) : "";
    problem.hidden = !code;
  }
  function setBusy(value) {
    busy = value;
    send.disabled = value;
    talk.disabled = value;
  }
  function failed(response) {
    return response.json().then(
      function (body) { throw failure(body && body.error ? body.error.code : "generic"); },
      function () { throw failure("generic"); }
    );
  }

  /* Server-sent events from a POST (EventSource can only GET): "event: name" and "data: json" lines. */
  function readEvents(response, onEvent) {
    var buffer = "";
    function take(text, last) {
      buffer += text;
      var blocks = buffer.split("\n\n");
      buffer = last ? "" : blocks.pop();
      blocks.forEach(function (block) {
        var name = "message", data = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) name = line.slice(7);
          else if (line.indexOf("data: ") === 0) data += line.slice(6);
        });
        if (data) onEvent(name, JSON.parse(data));
      });
    }
    if (!response.body || !response.body.getReader || !window.TextDecoder) {
      return response.text().then(function (text) { take(text, true); });
    }
    var reader = response.body.getReader(), decoder = new TextDecoder();
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { take(decoder.decode(), true); return; }
        take(decoder.decode(chunk.value, { stream: true }), false);
        return pump();
      });
    }
    return pump();
  }

  function clearAnswer() {
    answerBox.hidden = false;
    answerText.textContent = "";
    withdrawnBox.hidden = true;
    withdrawnText.textContent = "";
    sources.textContent = "";
    sourcesTitle.hidden = true;
    readForm.hidden = true;
    audio.hidden = true;
    audio.removeAttribute("src");
    showProblem(null);
  }

  function showSources(citations) {
    citations.forEach(function (citation) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = appUrl("/source?title=" + encodeURIComponent(citation.title));
      link.textContent = citation.title;
      var source = document.createElement("span");
      source.className = "quiet";
      source.textContent = " " + citation.source;
      var snippet = document.createElement("span");
      snippet.className = "snippet";
      snippet.textContent = citation.snippet.replace(/\*\*/g, "");
      item.appendChild(link);
      item.appendChild(source);
      item.appendChild(snippet);
      sources.appendChild(item);
    });
    sourcesTitle.hidden = citations.length === 0;
  }

  /* The streamed answer, each withdrawn sentence struck out where it stands (text nodes only, never HTML). */
  function showStreamed(streamed, withdrawn) {
    answerText.textContent = "";
    var rest = streamed;
    withdrawn.forEach(function (sentence) {
      var at = rest.indexOf(sentence);
      if (at < 0) return;
      answerText.appendChild(document.createTextNode(rest.slice(0, at)));
      var struck = document.createElement("del");
      struck.title = t("answer.withdrawn");
      struck.textContent = sentence;
      answerText.appendChild(struck);
      rest = rest.slice(at + sentence.length);
    });
    answerText.appendChild(document.createTextNode(rest));
  }

  function showWithdrawn(withdrawn) {
    withdrawnText.textContent = "";
    withdrawn.forEach(function (sentence) {
      var struck = document.createElement("del");
      struck.textContent = sentence;
      withdrawnText.appendChild(struck);
      withdrawnText.appendChild(document.createTextNode(" "));
    });
    withdrawnBox.hidden = withdrawn.length === 0;
  }

  function ask(text) {
    if (busy || !text) return;
    setBusy(true);
    clearAnswer();
    statusLine.textContent = t("answer.thinking");
    var streamed = "", withdrawn = [];
    fetch(appUrl("/api/ask"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream", "X-CSRF-Token": csrf },
      body: JSON.stringify({ question: text })
    }).then(function (response) {
      if (!response.ok) return failed(response);
      return readEvents(response, function (name, data) {
        if (name === "token") {
          streamed += data.text;
          showStreamed(streamed, withdrawn);
        } else if (name === "withdraw") {
          withdrawn.push(data.text);
          showStreamed(streamed, withdrawn);
        } else if (name === "done") {
          answerText.textContent = data.answer;
          showWithdrawn(data.withdrawn || []);
          // An app's safety rule spoke first (data.guard): that, not the model, is what the reader must see.
          var kind = data.guard ? "guard" : (["extractive", "guard", "none"].indexOf(data.model) >= 0 ? data.model : "model");
          answerBox.classList.toggle("guarded", !!data.guard);
          note = t("answer.by." + kind);
          statusLine.textContent = note;
          showSources(data.citations || []);
          readText.value = data.answer;
          readForm.hidden = false;
        } else if (name === "error") {
          throw failure(data.code);
        }
      });
    }).catch(function (error) {
      statusLine.textContent = "";
      showProblem(error.code || "network");
    }).then(function () { setBusy(false); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = question.value.trim();
    if (text) ask(text);
    else showProblem("empty_question");
  });

  /* Voice: the box writes down what was said, then the question is asked like a typed one. */
  function transcribeAndAsk(recording, filename) {
    setBusy(true);
    clearAnswer();
    statusLine.textContent = t("voice.transcribing");
    var data = new FormData();
    data.append("audio", recording, filename);
    data.append("lang", lang);
    fetch(appUrl("/api/transcribe"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }, body: data
    }).then(function (response) {
      return response.ok ? response.json() : failed(response);
    }).then(function (heard) {
      setBusy(false);
      if (!heard.text) throw failure("audio_silent");
      question.value = heard.text;
      ask(heard.text);
    }).catch(function (error) {
      setBusy(false);
      statusLine.textContent = "";
      showProblem(error.code || "network");
    });
  }

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (file) transcribeAndAsk(file, file.name || "question");
    fileInput.value = "";
  });

  /* Hold to talk; a short tap starts a recording that the next tap sends (easier with a screen reader). */
  var canRecord = window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
    window.MediaRecorder;
  var recorder = null, wanted = false, pressedAt = 0, tapMode = false;

  function label(key) { talk.textContent = t(key); }
  function stopRecording() {
    wanted = false;
    tapMode = false;
    if (recorder && recorder.state === "recording") recorder.stop();
  }
  function startRecording() {
    if (busy || recorder) return;
    wanted = true;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var release = function () { stream.getTracks().forEach(function (track) { track.stop(); }); };
      if (!wanted) { release(); return; }  // let go before the microphone opened
      var chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = function (event) { if (event.data && event.data.size) chunks.push(event.data); };
      recorder.onstop = function () {
        release();
        var type = recorder.mimeType || "audio/webm";
        recorder = null;
        talk.classList.remove("recording");
        talk.setAttribute("aria-pressed", "false");
        label("voice.hold");
        var recording = new Blob(chunks, { type: type });
        if (recording.size) transcribeAndAsk(recording, "question." + (type.indexOf("ogg") >= 0 ? "ogg" : "webm"));
      };
      recorder.start();
      talk.classList.add("recording");
      talk.setAttribute("aria-pressed", "true");
      label(tapMode ? "voice.recording_tap" : "voice.recording");
    }).catch(function () {
      wanted = false;
      showProblem("microphone_denied");
    });
  }
  function press(event) {
    event.preventDefault();
    if (recorder || wanted) { if (tapMode) stopRecording(); return; }
    pressedAt = Date.now();
    startRecording();
  }
  function letGo(event) {
    event.preventDefault();
    if (!wanted || tapMode) return;
    if (Date.now() - pressedAt < 400) {  // a tap, not a hold: keep recording until the next tap
      tapMode = true;
      if (recorder) label("voice.recording_tap");
      return;
    }
    stopRecording();
  }

  if (canRecord) {
    talk.hidden = false;
    talkHelp.hidden = false;
    recordFile.hidden = true;
    talk.setAttribute("aria-pressed", "false");
    talk.addEventListener("pointerdown", press);
    talk.addEventListener("pointerup", letGo);
    talk.addEventListener("pointercancel", letGo);
    talk.addEventListener("contextmenu", function (event) { event.preventDefault(); });
    talk.addEventListener("keydown", function (event) {
      if ((event.key === " " || event.key === "Enter") && !event.repeat) press(event);
    });
    talk.addEventListener("keyup", function (event) {
      if (event.key === " " || event.key === "Enter") letGo(event);
    });
  }

  /* Read aloud: the box speaks the answer; the audio plays here instead of opening on its own page. */
  readForm.addEventListener("submit", function (event) {
    event.preventDefault();
    readButton.disabled = true;
    statusLine.textContent = t("answer.preparing_voice");
    var body = new URLSearchParams();
    body.append("text", readText.value);
    fetch(appUrl("/speak"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }, body: body
    }).then(function (response) {
      return response.ok ? response.blob() : failed(response);
    }).then(function (wav) {
      if (audio.src) URL.revokeObjectURL(audio.src);
      audio.src = URL.createObjectURL(wav);
      audio.hidden = false;
      statusLine.textContent = note;
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () { /* the controls are there to press */ });
    }).catch(function (error) {
      statusLine.textContent = note;
      showProblem(error.code || "network");
    }).then(function () { readButton.disabled = false; });
  });
})();
