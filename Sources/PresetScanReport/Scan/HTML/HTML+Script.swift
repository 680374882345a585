extension HTMLScanReporter {
    /// The filters, as progressive enhancement: shows the controls (hidden without scripts), hides
    /// cards and empty verdict groups that do not match, and opens every evidence fold for printing.
    /// Reads only `data-*` attributes the reporter wrote; writes no HTML. Its SHA-256 is in the CSP,
    /// so any change here is allowed automatically and nothing else can run.
    static let script = """

        (function () {
          var bar = document.getElementById("filters");
          if (!bar) return;
          var verdict = document.getElementById("filter-verdict"), rule = document.getElementById("filter-rule"),
              text = document.getElementById("filter-text"), count = document.getElementById("filter-count"),
              cards = document.querySelectorAll("article.card"), groups = document.querySelectorAll("section.group");
          function apply() {
            var v = verdict.value, r = rule.value, q = text.value.trim().toLowerCase(), shown = 0;
            cards.forEach(function (card) {
              var ok = (!v || card.dataset.verdict === v) && (!r || card.dataset.rules.split(" ").indexOf(r) >= 0) &&
                       (!q || card.dataset.search.indexOf(q) >= 0);
              card.hidden = !ok;
              if (ok) shown++;
            });
            groups.forEach(function (group) { group.hidden = !group.querySelector("article.card:not([hidden])"); });
            document.getElementById("filter-empty").hidden = shown > 0;
            count.textContent = bar.dataset.shown.replace("{0}", shown).replace("{1}", cards.length);
          }
          [verdict, rule].forEach(function (el) { el.addEventListener("change", apply); });
          text.addEventListener("input", apply);
          bar.hidden = false;
          apply();
          var closed = [];
          window.addEventListener("beforeprint", function () {
            closed = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) { d.open = true; return true; });
          });
          window.addEventListener("afterprint", function () { closed.forEach(function (d) { d.open = false; }); closed = []; });
        })();

        """
}
