#include "export/html_writer.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "export/cell_text.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

namespace {

std::string esc(std::string_view s) { return html_escape(strip_control_characters(s)); }

// Only web links become href values: a javascript: URL in the store must not run.
bool safe_link(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

std::string link(const std::string& url, const std::string& text) {
  if (!safe_link(url)) return esc(text);
  return "<a href=\"" + esc(url) + "\">" + esc(text) + "</a>";
}

std::string year_of(const Inspection& in) {
  for (const auto* d : {&in.report.inspection_start, &in.report.letter_date, &in.report.inspection_end, &in.published_on})
    if (*d && d->value().size() >= 4 && std::all_of(d->value().begin(), d->value().begin() + 4, ::isdigit))
      return d->value().substr(0, 4);
  return "unknown";
}

std::string theme_group(const Inspection& in) {
  if (!in.report.theme || in.report.theme->empty()) return "unknown";
  if (in.report.theme->rfind("other", 0) == 0) return "other";
  return *in.report.theme;
}

const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                                "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#843c39"};

struct ChartData {
  std::vector<std::string> years;                          // ascending
  std::vector<std::string> themes;                         // most inspections first
  std::map<std::string, std::map<std::string, int>> counts;  // year -> theme -> n
  std::map<std::string, std::string> colour;               // theme -> colour
};

ChartData chart_data(const Dataset& data) {
  ChartData c;
  std::map<std::string, int> per_theme;
  std::set<std::string> years;
  for (const auto& in : data.inspections) {
    std::string y = year_of(in), t = theme_group(in);
    years.insert(y);
    ++per_theme[t];
    ++c.counts[y][t];
  }
  // Every year from the first to the last, so a year without inspections shows as a gap.
  const bool unknown = years.erase("unknown") > 0;
  if (!years.empty()) {
    int first = std::stoi(*years.begin()), last = std::stoi(*years.rbegin());
    for (int y = first; y <= last; ++y) c.years.push_back(std::to_string(y));
  }
  if (unknown) c.years.push_back("unknown");
  for (const auto& [t, n] : per_theme) c.themes.push_back(t);
  std::stable_sort(c.themes.begin(), c.themes.end(),
                   [&](const std::string& a, const std::string& b) { return per_theme[a] > per_theme[b]; });
  const size_t palette = sizeof(kPalette) / sizeof(kPalette[0]);
  for (size_t i = 0; i < c.themes.size(); ++i) c.colour[c.themes[i]] = kPalette[i % palette];
  return c;
}

std::string items_list(const char* heading, const std::vector<extract::Finding>& items) {
  if (items.empty()) return {};
  std::string out = "<h4>" + std::string(heading) + "</h4><ol>";
  for (const auto& item : items) out += "<li>" + esc(item.text) + "</li>";
  return out + "</ol>";
}

std::string inspection_details(const Inspection& in) {
  std::string title = in.report.letter_date.value_or(in.sort_date());
  if (title.empty()) title = "undated letter";
  std::string out = "<details><summary>" + esc(title) + " · " + esc(in.report.theme.value_or("theme not found")) +
                    "</summary><div class=\"inspection\"><dl>";
  auto row = [&](const char* key, const std::optional<std::string>& v) {
    if (v && !v->empty()) out += "<dt>" + std::string(key) + "</dt><dd>" + esc(*v) + "</dd>";
  };
  std::optional<std::string> fieldwork;
  if (in.report.inspection_start || in.report.inspection_end)
    fieldwork = in.report.inspection_start.value_or("?") + " to " + in.report.inspection_end.value_or("?");
  row("Fieldwork", fieldwork);
  row("Letter date", in.report.letter_date);
  row("Published", in.published_on);
  row("Theme", in.report.theme_phrase ? in.report.theme_phrase : in.report.theme);
  row("Deep dive", in.report.deep_dive);
  if (!in.report.inspectorates.empty()) {
    std::string names;
    for (const auto& i : in.report.inspectorates) names += (names.empty() ? "" : ", ") + i;
    row("Inspectorates", names);
  }
  out += "</dl>";
  if (in.report.headline_findings) out += "<h4>Headline findings</h4><p>" + esc(*in.report.headline_findings) + "</p>";
  if (in.report.priority_actions.empty() && in.report.no_priority_actions)
    out += "<h4>Areas for priority action</h4><p>None: the letter states there are no areas for priority action.</p>";
  out += items_list("Areas for priority action", in.report.priority_actions);
  out += items_list("Areas for improvement", in.report.improvements);
  out += items_list("Strengths", in.report.strengths);
  for (const auto& cs : in.report.case_studies)
    out += "<h4>" + esc(cs.title.empty() ? std::string("Practice study") : cs.title) + "</h4><p>" + esc(cs.text) + "</p>";
  if (!in.report.warnings.empty()) {
    out += "<div class=\"warn\"><h4>Extraction warnings</h4><ul>";
    for (const auto& w : in.report.warnings) out += "<li>" + esc(w.code + ": " + w.message) + "</li>";
    out += "</ul></div>";
  }
  out += "<p>" + link(in.url, "The letter (PDF)") + "</p></div></details>";
  return out;
}

const char* kStyle = R"css(
:root{--fg:#1b1b1b;--muted:#5a5a5a;--line:#d0d7de;--accent:#0b5cad;--bg:#fff;--soft:#f3f6f9}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1150px;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.2rem 0 .5rem}h2{font-size:1.25rem;margin:1.6rem 0 .5rem}h4{margin:.8rem 0 .2rem;font-size:1rem}
a{color:var(--accent)}
.meta{color:var(--muted);margin:.2rem 0}
.downloads{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;list-style:none}
.downloads a{display:inline-block;padding:.35rem .7rem;border:1px solid var(--line);border-radius:6px;text-decoration:none;background:var(--soft)}
.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.search input{flex:1 1 16rem;font-size:1rem;padding:.5rem .6rem;border:1px solid #888;border-radius:6px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft);position:sticky;top:0}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit;text-align:left}
th[aria-sort=ascending] button::after{content:" \25B2"}th[aria-sort=descending] button::after{content:" \25BC"}
.codes{color:var(--muted);font-size:.85rem}
td.date{white-space:nowrap}
details{margin:.1rem 0 .4rem}summary{cursor:pointer;color:var(--accent)}
.inspection{border-left:3px solid var(--line);padding:.2rem .8rem;margin:.3rem 0}
.inspection p,.inspection li{max-width:70ch}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}dt{color:var(--muted)}dd{margin:0}
.warn{background:#fff5e0;border-left:3px solid #d98e04;padding:.1rem .6rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;font-size:.9rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.35rem;vertical-align:-2px}
svg{max-width:100%;height:auto}
#authority-table tr[hidden]{display:none}
.inspection{overflow-wrap:anywhere}
@media (max-width:700px){body{font-size:15px}main{padding:.6rem}.narrow-hide{display:none}dl{grid-template-columns:1fr}
#authority-table,#authority-table tbody,#authority-table tr,#authority-table td{display:block;width:100%}
#authority-table thead{display:block;background:var(--soft);padding:.2rem .5rem}
#authority-table thead tr{display:flex;flex-wrap:wrap;gap:.2rem 1rem}
#authority-table th{position:static;border:0;padding:.2rem 0;background:none}
#authority-table th:last-child{display:none}
#authority-table tr{border-bottom:2px solid var(--line);padding:.4rem 0}
#authority-table td{border:0;padding:.1rem .2rem}
#authority-table td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}
#authority-table tr[hidden],#authority-table .narrow-hide{display:none}}
)css";

const char* kScript = R"js(
(function(){
  var table=document.getElementById('authority-table');
  var body=table.tBodies[0];
  var rows=Array.prototype.slice.call(body.rows);
  var texts=rows.map(function(r){return r.textContent.toLowerCase();});
  var input=document.getElementById('search');
  var count=document.getElementById('match-count');
  function filter(){
    var words=input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown=0;
    rows.forEach(function(r,i){
      var ok=words.every(function(w){return texts[i].indexOf(w)>=0;});
      r.hidden=!ok; if(ok)shown++;
    });
    count.textContent=shown+' of '+rows.length+' authorities';
  }
  input.addEventListener('input',filter);
  var m=/^#q=(.*)$/.exec(location.hash);
  if(m){input.value=decodeURIComponent(m[1]);}
  filter();
  var headers=table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers,function(th,col){
    var b=th.querySelector('button'); if(!b)return;
    b.addEventListener('click',function(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      Array.prototype.forEach.call(headers,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var numeric=th.dataset.type==='number';
      var keyed=rows.map(function(r,i){
        var c=r.cells[col]; var k=c.dataset.sort!==undefined?c.dataset.sort:c.textContent;
        return {r:r,i:i,k:numeric?parseFloat(k)||0:k.toLowerCase()};
      });
      keyed.sort(function(a,b){
        var d=a.k<b.k?-1:a.k>b.k?1:0; if(!asc)d=-d; return d||a.i-b.i;
      });
      keyed.forEach(function(x){body.appendChild(x.r);});
    });
  });
})();
)js";

}  // namespace

std::string inspections_chart_svg(const Dataset& data) {
  ChartData c = chart_data(data);
  if (c.years.empty()) return "<p>No inspections yet.</p>";
  int max_total = 1;
  for (const auto& y : c.years) {
    int total = 0;
    for (const auto& [t, n] : c.counts[y]) total += n;
    max_total = std::max(max_total, total);
  }
  const int bar = 34, gap = 14, left = 36, top = 16, plot_h = 200, bottom = 28;
  const int width = left + static_cast<int>(c.years.size()) * (bar + gap) + gap;
  const int height = top + plot_h + bottom;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" role=\"img\" aria-labelledby=\"chart-title\">" +
                    "<title id=\"chart-title\">Inspections by year and theme</title>"
                    "<g font-family=\"system-ui,sans-serif\" font-size=\"11\" fill=\"#444\">";
  // Horizontal grid with a few round ticks.
  int step = std::max(1, (max_total + 3) / 4);
  for (int v = 0; v <= max_total; v += step) {
    int y = top + plot_h - v * plot_h / max_total;
    svg += "<line x1=\"" + std::to_string(left - 4) + "\" x2=\"" + std::to_string(width) + "\" y1=\"" +
           std::to_string(y) + "\" y2=\"" + std::to_string(y) + "\" stroke=\"#e3e3e3\"/>";
    svg += "<text x=\"" + std::to_string(left - 8) + "\" y=\"" + std::to_string(y + 4) +
           "\" text-anchor=\"end\">" + std::to_string(v) + "</text>";
  }
  for (size_t i = 0; i < c.years.size(); ++i) {
    const std::string& year = c.years[i];
    const int x = left + gap + static_cast<int>(i) * (bar + gap);
    int acc = 0;
    for (const auto& theme : c.themes) {
      auto it = c.counts[year].find(theme);
      if (it == c.counts[year].end()) continue;
      int y0 = top + plot_h - (acc + it->second) * plot_h / max_total;
      int y1 = top + plot_h - acc * plot_h / max_total;
      svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y0) + "\" width=\"" + std::to_string(bar) +
             "\" height=\"" + std::to_string(y1 - y0) + "\" fill=\"" + c.colour[theme] + "\"><title>" + esc(year) +
             ": " + std::to_string(it->second) + " × " + esc(theme) + "</title></rect>";
      acc += it->second;
    }
    svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" +
           std::to_string(top + plot_h - acc * plot_h / max_total - 4) + "\" text-anchor=\"middle\">" +
           std::to_string(acc) + "</text>";
    svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" + std::to_string(top + plot_h + 18) +
           "\" text-anchor=\"middle\">" + esc(year) + "</text>";
  }
  svg += "</g></svg><ul class=\"legend\">";
  for (const auto& theme : c.themes)
    svg += "<li><span class=\"swatch\" style=\"background:" + c.colour[theme] + "\"></span>" + esc(theme) + "</li>";
  return svg + "</ul>";
}

std::string to_html(const ExportContext& ctx) {
  const Dataset& data = ctx.data;
  auto latest = latest_per_authority(data);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<title>JTAI findings: export of " + esc(ctx.export_date) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n";
  h += "<h1>Joint Targeted Area Inspection findings</h1>\n";
  h += "<p class=\"meta\">Export of " + esc(ctx.export_date) + ": " + std::to_string(data.inspections.size()) +
       " inspections of " + std::to_string(latest.size()) + " local authorities.";
  if (data.last_run)
    h += " Gathered from " + link(data.last_run->site, data.last_run->site) + " (last run " +
         esc(data.last_run->started_at) + ", " + esc(data.last_run->status) + ").";
  if (!data.rules_versions.empty()) {
    h += " Rules version";
    h += data.rules_versions.size() > 1 ? "s " : " ";
    // Rule-set versions are long hashes: show a short prefix, the whole one on hover.
    for (size_t i = 0; i < data.rules_versions.size(); ++i)
      h += (i ? ", " : "") + std::string("<span title=\"") + esc(data.rules_versions[i]) + "\">" +
           esc(data.rules_versions[i].substr(0, 12)) + "</span>";
    h += ".";
  }
  h += "</p>\n<ul class=\"downloads\"><li><a href=\"" + std::string(kXlsxName) + "\">Excel workbook</a></li>";
  for (const char* csv : kCsvNames) h += "<li><a href=\"" + std::string(csv) + "\">" + csv + "</a></li>";
  h += "<li><a href=\"" + std::string(kJsonName) + "\">" + kJsonName + "</a></li></ul>\n";

  h += "<section id=\"new\">\n<h2>New since last export (" + std::to_string(ctx.new_since_last_export.size()) + ")</h2>\n";
  if (!ctx.previous_export) {
    h += "<p>This is the first export here: there is no earlier one to compare with.</p>\n";
  } else if (ctx.new_since_last_export.empty()) {
    h += "<p>Nothing new since the export of " + esc(*ctx.previous_export) + ".</p>\n";
  } else {
    h += "<p>Compared with the export of " + esc(*ctx.previous_export) + ".</p>\n<ul>";
    for (const Inspection* in : ctx.new_since_last_export) h += "<li>" + link(in->url, describe(*in)) + "</li>";
    h += "</ul>\n";
  }
  h += "</section>\n";

  h += "<section id=\"chart\">\n<h2>Inspections by year and theme</h2>\n" + inspections_chart_svg(data) +
       "\n<p class=\"meta\">Year of the fieldwork (else of the letter).</p>\n</section>\n";

  h += "<section id=\"authorities\">\n<h2>Authorities</h2>\n"
       "<div class=\"search\"><label for=\"search\">Search</label>"
       "<input id=\"search\" type=\"search\" autocomplete=\"off\" placeholder=\"Authority, code, region, theme or any word in the findings\">"
       "<span id=\"match-count\" aria-live=\"polite\">" + std::to_string(latest.size()) + " of " +
       std::to_string(latest.size()) + " authorities</span></div>\n";
  h += "<div class=\"scroll\"><table id=\"authority-table\">\n<thead><tr>"
       "<th><button type=\"button\">Local authority</button></th>"
       "<th class=\"narrow-hide\"><button type=\"button\">Region</button></th>"
       "<th><button type=\"button\">Latest letter</button></th>"
       "<th><button type=\"button\">Latest theme</button></th>"
       "<th class=\"narrow-hide\" data-type=\"number\"><button type=\"button\">JTAIs</button></th>"
       "<th>Inspections</th></tr></thead>\n<tbody>\n";
  for (const Inspection* last : latest) {
    std::vector<const Inspection*> mine;
    for (const auto& in : data.inspections)
      if (in.urn == last->urn) mine.push_back(&in);
    std::reverse(mine.begin(), mine.end());  // newest first
    h += "<tr data-urn=\"" + std::to_string(last->urn) + "\"><td data-sort=\"" + esc(last->authority) + "\">" +
         esc(last->authority) + "<div class=\"codes\">URN " + std::to_string(last->urn);
    if (!last->la_code.empty()) h += " · LA " + esc(last->la_code);
    if (!last->ltla23cd.empty()) h += " · " + esc(last->ltla23cd);
    h += "</div></td><td class=\"narrow-hide\">" + esc(last->region_name) + "</td><td class=\"date\" data-label=\"Latest letter\" data-sort=\"" +
         esc(last->sort_date()) + "\">" + esc(last->report.letter_date.value_or(last->sort_date())) +
         "</td><td data-label=\"Latest theme\">" + esc(last->report.theme.value_or("")) + "</td><td class=\"narrow-hide\" data-sort=\"" +
         std::to_string(mine.size()) + "\">" + std::to_string(mine.size()) + "</td><td>";
    for (const Inspection* in : mine) h += inspection_details(*in);
    h += "</td></tr>\n";
  }
  h += "</tbody></table></div>\n</section>\n";

  h += "<section id=\"issues\">\n<h2>Known extraction issues (" + std::to_string(data.issues.size()) + ")</h2>\n";
  if (data.issues.empty()) {
    h += "<p>None: every JTAI letter was extracted without warnings.</p>\n";
  } else {
    h += "<p>Letters whose extraction failed or came with warnings: check these against the PDF.</p>\n<ul>";
    for (const auto& is : data.issues) {
      h += "<li>" + link(is.url, is.authority + (is.letter_date ? ", " + *is.letter_date : std::string())) + ": " +
           esc(is.problem);
      for (const auto& d : is.details) h += "; " + esc(d);
      h += "</li>";
    }
    h += "</ul>\n";
  }
  h += "</section>\n<p class=\"meta\">Made by jtai from Ofsted's published JTAI letters. The PDFs are the authority; "
       "this page is an extraction.</p>\n</main>\n<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace jtai::exporter
