package org.tinyfit.report;

/** The report page's fixed style sheet and its one script, inline so the page needs no other file. */
final class PageAssets {
    private PageAssets() {}

    static final String CSS = """
            body{font-family:system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#222}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
            .facts{display:flex;flex-wrap:wrap;gap:8px}.fact{background:#f3f5f7;padding:6px 10px;border-radius:4px}
            .fact span{color:#555;margin-right:6px}
            table{border-collapse:collapse;font-size:12px;width:100%}th,td{padding:3px 6px;border-bottom:1px solid #eee;text-align:right}
            th{cursor:pointer;background:#f6f6f6}td:nth-child(3),td:nth-child(4),td:nth-child(5),th:nth-child(3),th:nth-child(4),th:nth-child(5){text-align:left}
            svg.plot{display:block;margin:8px 0}
            """;

    /** Sorting the tables by a heading's column (numbers by their data-v value). */
    static final String SCRIPT = """
            document.querySelectorAll('table.sortable th').forEach(function (th, col) {
              th.addEventListener('click', function () {
                var body = th.closest('table').tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                var asc = th.getAttribute('data-dir') !== 'asc';
                rows.sort(function (a, b) {
                  var x = a.cells[col], y = b.cells[col];
                  var vx = x.hasAttribute('data-v') ? Number(x.getAttribute('data-v')) : parseFloat(x.textContent);
                  var vy = y.hasAttribute('data-v') ? Number(y.getAttribute('data-v')) : parseFloat(y.textContent);
                  var r = (isNaN(vx) || isNaN(vy)) ? x.textContent.localeCompare(y.textContent) : vx - vy;
                  return asc ? r : -r;
                });
                th.setAttribute('data-dir', asc ? 'asc' : 'desc');
                rows.forEach(function (r) { body.appendChild(r); });
              });
            });
            """;
}
