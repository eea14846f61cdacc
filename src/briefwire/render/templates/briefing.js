(function () {
  "use strict";
  // Claim data arrives as JSON and is written with textContent only, so text from the
  // article or the model can never become markup here.
  var data = JSON.parse(document.getElementById("bw-claims").textContent || "[]");
  var panel = document.getElementById("bw-evidence");
  var body = panel.querySelector(".bw-evidence-body");
  var active = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(span) {
    var claim = data[Number(span.getAttribute("data-claim"))];
    if (!claim) return;
    if (active) active.classList.remove("active");
    active = span;
    span.classList.add("active");
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(el("p", "bw-verdict-" + claim.label, claim.heading));
    if (claim.evidence_heading) body.appendChild(el("p", "muted", claim.evidence_heading));
    claim.evidence.forEach(function (ev) {
      var quote = el("blockquote", "", "\u201c" + ev.text + "\u201d ");
      quote.appendChild(el("span", "origin", "(" + ev.origin + ")"));
      body.appendChild(quote);
    });
    if (!claim.evidence.length && claim.label !== "opinion") {
      body.appendChild(el("p", "muted", "No source sentence recorded."));
    }
    panel.hidden = false;
  }

  function hide() {
    if (active) active.classList.remove("active");
    active = null;
    panel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest(".claim") : null;
    if (target) show(target);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("claim")) show(event.target);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
  panel.querySelector(".bw-close").addEventListener("click", hide);
})();
