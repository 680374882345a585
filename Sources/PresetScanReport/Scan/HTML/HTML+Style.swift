extension HTMLScanReporter {
    /// Restrained colours: each verdict also differs by its mark (✕ ○ ✓) and its badge's shape
    /// (solid, outlined, light), so a greyscale print keeps them apart. The font stack renders Chinese
    /// on Windows, macOS and Linux without shipping a font.
    static let style = """

        :root { --ink: #1d2939; --muted: #5d6b82; --line: #d0d5dd; --soft: #f5f6f8;
          --act: #b42318; --act-bg: #fef3f2; --wai: #a15c07; --wai-bg: #fffaeb; --exe: #475467; --exe-bg: #f2f4f7;
          --ok: #067647; --ok-bg: #ecfdf3; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; color: var(--ink); background: #fff;
          font: 14px/1.6 "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 24px 32px 40px; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; font-size: .88em; overflow-wrap: anywhere; }
        code.hash { font-size: .8em; word-break: break-all; }
        a { color: inherit; }
        h1 { font-size: 22px; margin: 0; }
        h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
        h3 { font-size: 15px; margin: 20px 0 8px; }
        h4 { font-size: 16px; margin: 0; display: inline; }
        h5 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); }
        .count { display: inline-block; min-width: 1.6em; padding: 0 .45em; border-radius: 1em; background: var(--soft);
          border: 1px solid var(--line); font-size: 12px; font-weight: normal; text-align: center; vertical-align: middle; }
        .minor, .none { color: var(--muted); }
        .bad { color: var(--act); }
        .good { color: var(--ok); }
        .k { color: var(--muted); margin-right: .4em; }
        .page-head { border-bottom: 1px solid var(--line); padding-bottom: 10px; }
        .inputs { margin: 4px 0 0; color: var(--muted); }
        .inputs code { color: var(--ink); margin-right: .6em; }
        .overview h2 { margin-top: 20px; }
        .outcome { margin: 0 0 16px; padding: 10px 14px; border: 1px solid; border-left-width: 8px; border-radius: 4px; font-size: 15px; }
        .outcome strong { font-size: 20px; margin-right: .6em; letter-spacing: .04em; }
        .outcome-pass { border-color: var(--ok); background: var(--ok-bg); }
        .outcome-fail { border-color: var(--act); background: var(--act-bg); }
        .outcome-incomplete { border-color: var(--wai); background: var(--wai-bg); }
        .overview-grid { display: flex; flex-wrap: wrap; gap: 16px 40px; align-items: flex-start; }
        figure.chart { margin: 0; }
        figure.chart figcaption { font-weight: bold; margin-bottom: 4px; }
        .verdict-chart { max-width: 100%; height: auto; }
        .verdict-chart text { font-size: 13px; fill: var(--ink); }
        .verdict-chart .bar-count { font-weight: bold; }
        .verdict-chart .track { fill: var(--soft); }
        .bar-unfiled .fill, .bar-certificate-mismatch .fill, .bar-filing-not-active .fill { fill: var(--act); }
        .hatch-waived { fill: var(--wai); } .hatch-bg-waived { fill: var(--wai-bg); }
        .hatch-exempt { fill: var(--exe); } .hatch-bg-exempt { fill: var(--exe-bg); }
        .bar-waived .fill { stroke: var(--wai); } .bar-exempt .fill { stroke: var(--exe); }
        .bar-filed .fill { fill: var(--ok-bg); stroke: var(--ok); stroke-width: 1.5; }
        dl.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; margin: 24px 0 0; flex: 1; min-width: 280px; }
        .stat { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; }
        .stat dt { font-size: 12px; color: var(--muted); }
        .stat dd { margin: 0; font-size: 20px; font-weight: bold; }
        .stat.bad { border-color: var(--act); } .stat.bad dd { color: var(--act); }
        table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; }
        th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: bold; border-bottom: 1.5px solid var(--ink); }
        table.failing td:first-child a { font-weight: bold; }
        table.failing th:nth-child(1) { width: 15%; } table.failing th:nth-child(2) { width: 22%; } table.failing th:nth-child(4) { width: 9%; }
        table.failing td:nth-child(2) code { overflow-wrap: normal; word-break: normal; }
        table.failing td:nth-child(3) { white-space: nowrap; }
        table.failing .where { color: var(--muted); font-size: 12px; }
        dt::first-letter, th::first-letter { text-transform: uppercase; }
        .rule { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; font-weight: bold; padding: 0 4px;
          border: 1px solid var(--line); border-radius: 3px; background: var(--soft); white-space: nowrap; }
        .rule-name { color: var(--muted); font-size: 12px; }
        .badge { display: inline-block; padding: 0 8px; border-radius: 3px; font-size: 13px; font-weight: bold; white-space: nowrap; border: 1.5px solid; }
        .badge-unfiled, .badge-certificate-mismatch, .badge-filing-not-active { background: var(--act); border-color: var(--act); color: #fff; }
        .badge-waived { color: var(--wai); border-color: var(--wai); background: var(--wai-bg); border-style: dashed; }
        .badge-exempt { color: var(--exe); border-color: var(--exe); background: var(--exe-bg); border-style: dashed; }
        .badge-filed { color: var(--ok); border-color: var(--ok); background: var(--ok-bg); }
        .basis { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; margin-top: 8px; }
        .facts-box h3 { margin-top: 12px; }
        dl.facts, dl.cert { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
        dl.facts > div, dl.cert > div { display: contents; }
        dl.facts dt, dl.cert dt { color: var(--muted); }
        dl.facts dd, dl.cert dd { margin: 0; overflow-wrap: anywhere; }
        dl.cert { padding: 6px 10px; border: 1px solid var(--line); border-radius: 4px; margin-bottom: 6px; }
        dl.cert.filed { background: var(--soft); }
        .filters { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center;
          margin: 24px 0 0; padding: 8px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; font-size: 13px; }
        .filters select, .filters input { font: inherit; margin-left: 4px; padding: 2px 4px; }
        .filters .search input { width: 22em; }
        .filters output { color: var(--muted); margin-left: auto; }
        .group { margin-top: 8px; }
        .group > h3 { margin: 24px 0 8px; }
        .card { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; padding: 10px 14px; margin: 0 0 12px; break-inside: avoid; }
        .card-unfiled, .card-certificate-mismatch, .card-filing-not-active { border-left-color: var(--act); }
        .card-waived { border-left-color: var(--wai); border-left-style: dashed; }
        .card-exempt { border-left-color: var(--exe); border-left-style: dashed; }
        .card-filed { border-left-color: var(--ok); }
        .card-head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
        .card-head .rules { margin-left: auto; }
        ul.why { margin: 6px 0 0; padding: 0; list-style: none; font-size: 13px; }
        ul.why li { margin: 2px 0; }
        .suppression { color: var(--muted); }
        dl.card-facts { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 6px 16px; margin: 10px 0 4px; font-size: 13px; }
        dl.card-facts dt { font-size: 12px; color: var(--muted); }
        dl.card-facts dd { margin: 0; overflow-wrap: anywhere; }
        dl.card-facts .wide { grid-column: 1 / -1; }
        details.evidence { margin-top: 6px; border-top: 1px dashed var(--line); padding-top: 4px; }
        details.evidence summary { cursor: pointer; font-size: 13px; font-weight: bold; }
        .evidence-body { padding: 2px 0 4px 14px; }
        ul.findings { list-style: none; margin: 0; padding: 0; }
        ul.findings > li { padding: 6px 0; border-bottom: 1px solid var(--soft); }
        ul.findings .text { margin-top: 2px; }
        ul.findings .where { color: var(--muted); }
        ul.findings .remedy { color: var(--muted); font-size: 13px; }
        .sev { font-size: 12px; padding: 0 4px; border-radius: 3px; }
        .sev-error { color: var(--act); border: 1px solid var(--act); }
        .sev-warning { color: var(--wai); border: 1px dashed var(--wai); }
        .sev-info { color: var(--muted); border: 1px dotted var(--muted); }
        .state { font-size: 12px; }
        .state.fails { color: var(--act); font-weight: bold; }
        .state.suppressed { color: var(--muted); }
        ul.plain { list-style: none; margin: 0; padding: 0; }
        ul.diagnostics { margin: 0; padding-left: 1.2em; font-size: 13px; }
        table.numbers, table.components, table.diagnostics { font-size: 13px; }
        footer { margin-top: 40px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
        @media (max-width: 760px) { dl.card-facts { grid-template-columns: 1fr 1fr; } .basis { grid-template-columns: 1fr; } main { padding: 12px; } }
        @media print {
          @page { size: A4; margin: 14mm 12mm; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 9.5pt; }
          main { max-width: none; padding: 0; }
          .filters { display: none !important; }
          details::details-content { content-visibility: visible; display: block; height: auto; }
          details > summary { list-style: none; }
          h2, h3, h5 { break-after: avoid; page-break-after: avoid; }
          #apps, .group + .group { break-before: page; page-break-before: always; }
          #apps > h2 { margin-top: 0; }
          .card, dl.cert, tr, ul.findings > li { break-inside: avoid; page-break-inside: avoid; }
          thead { display: table-header-group; }
          code, dd, td { overflow-wrap: anywhere; word-break: break-word; }
          a { text-decoration: none; }
          dl.card-facts { grid-template-columns: repeat(3, minmax(0, 1fr)); }
        }

        """
}
