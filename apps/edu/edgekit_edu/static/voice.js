// Hold to talk, for the tutor page: records with the phone's microphone, sends the recording to the box's own
// transcribe endpoint (the one the ask pages use) and puts the words in the question box. Without JavaScript,
// or without a microphone, the page is the plain text form.
(function () {
  const form = document.getElementById("tutor-form");
  const talk = document.getElementById("talk");
  if (!form || !talk || !window.MediaRecorder || !navigator.mediaDevices) return;
  talk.hidden = false;
  let recorder = null;
  let chunks = [];
  async function start(event) {
    event.preventDefault();
    if (recorder) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (e) => chunks.push(e.data);
    recorder.onstop = async () => {
      stream.getTracks().forEach((track) => track.stop());
      const body = new FormData();
      body.append("audio", new Blob(chunks, { type: recorder.mimeType || "audio/webm" }), "question.webm");
      body.append("lang", form.dataset.lang || "");
      recorder = null;
      const token = form.querySelector("input[name=csrf_token]").value;
      const reply = await fetch(form.dataset.transcribe, { method: "POST", body, headers: { "X-CSRF-Token": token } });
      if (reply.ok) {
        const heard = await reply.json();
        document.getElementById("question").value = heard.text;
        if (heard.text) form.requestSubmit();
      }
    };
    recorder.start();
    talk.classList.add("recording"); // what the pupil sees while the phone listens
  }
  function stop(event) {
    event.preventDefault();
    talk.classList.remove("recording");
    if (recorder && recorder.state === "recording") recorder.stop();
  }
  talk.addEventListener("pointerdown", start);
  talk.addEventListener("pointerup", stop);
  talk.addEventListener("pointerleave", stop);
})();
