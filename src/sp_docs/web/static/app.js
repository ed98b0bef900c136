// sp-docs web: live job progress and questionnaire autosave.  No inline scripts (CSP).
(function () {
  "use strict";

  function pollJob(box) {
    var url = box.getAttribute("data-status-url");
    var initial = box.getAttribute("data-status");
    if (initial !== "queued" && initial !== "running") return;
    var bar = document.getElementById("job-progress");
    var count = document.getElementById("job-count");
    var label = document.getElementById("job-status");
    var stage = document.getElementById("job-stage");
    var ahead = document.getElementById("job-ahead");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (s) {
          if (label) label.textContent = s.label;
          if (ahead) ahead.textContent = s.ahead ? "（前面还有 " + s.ahead + " 个任务在排队）" : "";
          if (stage) stage.textContent = s.stage;
          if (bar && s.total) { bar.max = s.total; bar.value = s.done; }
          if (count && s.total) count.textContent = s.done + "/" + s.total;
          if (s.status === "queued" || s.status === "running") { setTimeout(tick, 1000); }
          else { window.location.reload(); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 700);
  }

  function autosave(form) {
    var url = form.getAttribute("data-autosave");
    var status = document.getElementById("autosave-status");
    var timer = null;
    function save() {
      fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (s) { if (status) status.textContent = "草稿已自动保存于 " + s.saved; })
        .catch(function () { if (status) status.textContent = "草稿未能自动保存，请点“保存草稿”"; });
    }
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 400); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("job");
    if (box) pollJob(box);
    var form = document.getElementById("questionnaire");
    if (form) autosave(form);
  });
})();
