// briefwire web: sentence → evidence on briefing pages, live progress on job pages.
// No framework and no innerHTML: everything from the server is set with textContent.
"use strict";

function clearSelection() {
  document.querySelectorAll(".claim.selected").forEach((el) => el.classList.remove("selected"));
  document.querySelectorAll(".sentence.evidence").forEach((el) => {
    el.classList.remove("evidence");
    delete el.dataset.for;
  });
  document.querySelectorAll(".evidence-detail").forEach((el) => { el.hidden = true; });
  const placeholder = document.getElementById("evidence-empty");
  if (placeholder) placeholder.hidden = false;
  document.body.classList.remove("has-selection");
}

// Stacked, the panel rises over the bottom of the page: keep the chosen sentence above it.
function keepAbovePanel(span) {
  const panel = document.getElementById("evidence-panel");
  if (getComputedStyle(panel).position !== "fixed") return;
  const covered = span.getBoundingClientRect().bottom - panel.getBoundingClientRect().top;
  if (covered > 0) window.scrollBy({ top: covered + 16 });
}

// Scroll the article, not the page: with two columns it scrolls on its own, and moving the page
// would pull the chosen sentence away from the reader. Stacked, the panel links to the sentence.
function revealInArticle(sentence) {
  const article = document.getElementById("article");
  if (!article || getComputedStyle(article).overflowY !== "auto") return false;
  // Aim at the part of the column on screen: at the top of the page its foot is below the fold.
  const box = article.getBoundingClientRect();
  const onScreen = Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0);
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  article.scrollTo({ top: sentence.offsetTop - onScreen / 3, behavior: smooth ? "smooth" : "auto" });
  return true;
}

function selectClaim(span) {
  const index = span.dataset.claim;
  clearSelection();
  document.querySelectorAll(`.claim[data-claim="${index}"]`).forEach((el) => el.classList.add("selected"));
  const evidence = (span.dataset.evidence || "").split(" ").filter(Boolean)
    .map((id) => document.getElementById(`article-s${id}`)).filter(Boolean);
  evidence.forEach((el) => {
    el.classList.add("evidence");
    el.dataset.for = span.dataset.label;
  });
  const detail = document.getElementById(`claim-${index}`);
  if (detail) {
    detail.hidden = false;
    document.getElementById("evidence-empty").hidden = true;
  }
  document.body.classList.add("has-selection");
  keepAbovePanel(span);
  // Last: showing the panel's entry changes how much room the article has.
  if (evidence.length) revealInArticle(evidence[0]);
  if (history.replaceState) history.replaceState(null, "", `#s${index}`);
}

function setupBriefing() {
  const briefing = document.getElementById("briefing");
  if (!briefing) return;
  document.addEventListener("click", (event) => {
    const span = event.target.closest(".claim");
    if (span) selectClaim(span);
    // The panel's "article, sentence N" links: in two columns, scroll the article alone.
    const link = event.target.closest("a.ev-source");
    const sentence = link && document.getElementById(link.hash.slice(1));
    if (sentence && revealInArticle(sentence)) event.preventDefault();
  });
  // Tabbing onto a sentence shows its evidence too, so the keyboard needs no extra step.
  document.addEventListener("focusin", (event) => {
    const span = event.target.closest && event.target.closest(".claim");
    if (span && !span.classList.contains("selected")) selectClaim(span);
  });
  document.addEventListener("keydown", (event) => {
    const span = event.target.closest && event.target.closest(".claim");
    if (span && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      selectClaim(span);
    } else if (event.key === "Escape") {
      clearSelection();
    }
  });
  const close = document.getElementById("close-panel");
  if (close) close.addEventListener("click", clearSelection);
  const match = /^#s(\d+)$/.exec(location.hash);
  const first = match && document.querySelector(`.claim[data-claim="${match[1]}"]`);
  if (first) {
    selectClaim(first);
    first.scrollIntoView({ block: "center" });
  }
}

const pretty = (name) => name.charAt(0).toUpperCase() + name.slice(1).replaceAll("_", " ");

function renderSections(list, sections) {
  const rows = sections.map((s) => {
    const li = document.createElement("li");
    li.className = `section-progress ${s.status}`;
    li.dataset.name = s.name;
    for (const [cls, value] of [
      ["name", pretty(s.name)],
      ["state", s.status],
      ["tokens", s.generated ? `${s.generated} tokens` + (s.status === "running" && s.tokens_per_second ? ` · ${s.tokens_per_second} tok/s` : "") : ""],
    ]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = value;
      li.appendChild(span);
    }
    return li;
  });
  list.replaceChildren(...rows);
}

function showJob(job) {
  const box = document.getElementById("job");
  box.dataset.status = job.status;
  document.getElementById("job-status").textContent = job.status;
  const current = job.progress && job.progress.current;
  document.getElementById("job-current").textContent = current ? `— writing ${current.replaceAll("_", " ")}` : "";
  const sections = (job.progress && job.progress.sections) || [];
  renderSections(document.getElementById("job-sections"), sections);
  const bar = document.getElementById("job-bar");
  bar.max = Math.max(sections.length, 1);
  bar.value = job.status === "done" ? bar.max : sections.filter((s) => s.status === "done").length;
  document.getElementById("job-cancel").hidden = !["queued", "running"].includes(job.status);
  const error = document.getElementById("job-error");
  error.hidden = !job.error;
  error.textContent = job.error || "";
  if (job.status === "done" && job.briefing_id) {
    const target = `/briefings/${encodeURIComponent(job.briefing_id)}`;
    document.getElementById("job-link").href = target;
    document.getElementById("job-done").hidden = false;
    location.assign(target);
  }
  return !["queued", "running"].includes(job.status); // done, failed, cancelled or interrupted
}

function poll(id) {
  fetch(`/api/jobs/${encodeURIComponent(id)}`, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((job) => { if (!showJob(job)) setTimeout(() => poll(id), 1500); })
    .catch(() => setTimeout(() => poll(id), 3000));
}

function setupJob() {
  const box = document.getElementById("job");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const id = box.dataset.jobId;
  if (!window.EventSource) { poll(id); return; }
  const events = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
  events.addEventListener("job", (event) => {
    if (showJob(JSON.parse(event.data))) events.close();
  });
  events.onerror = () => {
    // The stream ends when the job does, or breaks (proxy, restart): fall back to polling.
    if (["queued", "running"].includes(box.dataset.status)) { events.close(); poll(id); }
  };
}

document.addEventListener("DOMContentLoaded", () => { setupBriefing(); setupJob(); });
