#include "export/html_writer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "export/cell_text.hpp"
#include "export/output_file.hpp"
#include "export/report_view.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

constexpr size_t kPartBytes = 1 << 20;     // findings text per data part
constexpr size_t kListedChanges = 300;     // changes listed on the page (all are in changes.csv)
constexpr size_t kListedIssues = 500;      // known issues listed on the page (all are in the workbook)

std::string esc(std::string_view s) { return html_escape(strip_control_characters(s)); }

// Only web links become href values: a javascript: URL in the store must not run.
bool safe_link(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

std::string link(const std::string& url, const std::string& text) {
  if (!safe_link(url)) return esc(text);
  return "<a href=\"" + esc(url) + "\">" + esc(text) + "</a>";
}

// JSON inside a script file: ASCII only (no U+2028 surprises), control characters dropped.
std::string js_value(const ojson& j) { return j.dump(-1, ' ', true, ojson::error_handler_t::replace); }

std::string clean(const std::string& s) { return strip_control_characters(s); }

std::string part_name(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "findings-%04d.js", n);
  return buf;
}

struct ListedChange {
  std::string authority, url, date, change, section, text;
  int urn = 0, number = 0;
};

extern const char* const kStyle;
extern const char* const kScript;

}  // namespace

struct HtmlWriter::Impl {
  fs::path dir;
  OutputFile index_data;
  std::unique_ptr<OutputFile> part;
  int part_number = 0;
  size_t part_bytes = 0;
  bool first_inspection = true;
  bool first_in_part = true;
  std::vector<ListedChange> listed;
  size_t changes = 0;
  explicit Impl(const fs::path& d) : dir(d), index_data(d / kHtmlDataDir / "inspections.js") {}

  void open_part() {
    ++part_number;
    part = std::make_unique<OutputFile>(dir / kHtmlDataDir / part_name(part_number));
    part->write("JTAI.part(" + std::to_string(part_number) + ",{");
    part_bytes = 0;
    first_in_part = true;
  }
  void close_part() {
    if (!part) return;
    part->write("\n});\n");
    part->close();
    part.reset();
  }
};

HtmlWriter::HtmlWriter(const fs::path& dir, const ExportContext&) {
  fs::create_directories(dir / kHtmlDataDir);
  impl_ = std::make_unique<Impl>(dir);
  impl_->index_data.write("JTAI.inspections=[");
}

HtmlWriter::~HtmlWriter() = default;

void HtmlWriter::add(const Inspection& in, const std::vector<Change>& changes) {
  Impl& m = *impl_;
  const auto& r = in.report;
  if (!m.part || m.part_bytes >= kPartBytes) {
    m.close_part();
    m.open_part();
  }
  ojson items = ojson::array();
  for (const auto& f : findings_of(r))
    items.push_back(ojson::array({f.section, f.number, clean(f.text), clean(f.subheading), clean(f.agency),
                                  clean(f.agencies), clean(f.title), clean(f.kind)}));
  ojson text;
  text["h"] = clean(r.headline_findings.value_or(""));
  text["i"] = std::move(items);
  ojson warnings = ojson::array();
  for (const auto& w : warning_lines(r)) warnings.push_back(clean(w));
  text["w"] = std::move(warnings);
  const std::string key = inspection_key(in);
  std::string record = js_value(ojson(key)) + ":" + js_value(text);
  m.part->write(std::string(m.first_in_part ? "\n" : ",\n") + record);
  m.part_bytes += record.size();
  m.first_in_part = false;

  std::string codes = "URN " + std::to_string(in.urn);
  if (!in.la_code.empty()) codes += " · LA " + in.la_code;
  if (!in.ltla23cd.empty()) codes += " · " + in.ltla23cd;
  std::string focus = focus_of(r);
  ojson j;
  j["k"] = key;
  j["u"] = in.urn;
  j["a"] = clean(in.authority);
  j["c"] = codes;
  j["rg"] = in.region_name.empty() ? "unknown" : in.region_name;
  j["d"] = r.letter_date.value_or("");
  j["s"] = in.sort_date();
  j["y"] = year_of(in);
  j["fs"] = r.inspection_start.value_or("");
  j["fe"] = r.inspection_end.value_or("");
  j["p"] = in.published_on.value_or("");
  j["t"] = clean(r.theme.value_or(""));
  j["tp"] = clean(r.theme_phrase.value_or(""));
  j["f"] = focus.empty() ? std::string("other / unknown") : focus;
  j["r"] = round_of(r).empty() ? std::string("unknown") : round_of(r);
  j["dd"] = clean(r.deep_dive.value_or(""));
  j["pa"] = priority_actions_status(r);
  j["n"] = section_counts(r);
  j["url"] = safe_link(in.url) ? in.url : std::string();
  j["part"] = m.part_number;
  m.index_data.write(std::string(m.first_inspection ? "\n" : ",\n") + js_value(j));
  m.first_inspection = false;

  for (const auto& c : changes) {
    ++m.changes;
    if (m.listed.size() < kListedChanges)
      m.listed.push_back({in.authority, in.url, r.letter_date.value_or(in.sort_date()), c.change,
                          c.section, c.text, in.urn, c.number});
  }
}

void HtmlWriter::finish(const ExportContext& ctx, const std::vector<std::string>& agencies) {
  Impl& m = *impl_;
  m.close_part();
  ojson ag = ojson::array();
  for (const auto& a : agencies) ag.push_back(clean(a));
  m.index_data.write("\n];\nJTAI.partCount=" + std::to_string(m.part_number) + ";\nJTAI.agencies=" + js_value(ag) + ";\n");
  m.index_data.close();

  const DatasetInfo& info = ctx.info;
  const Totals& t = ctx.totals;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<title>JTAI findings: export of " + esc(ctx.export_date) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n";
  h += "<h1>Joint Targeted Area Inspection findings</h1>\n";
  h += "<p class=\"meta\">Export of " + esc(ctx.export_date) + ": " + std::to_string(t.inspections) +
       " inspections of " + std::to_string(t.authorities) + " local authorities, " + std::to_string(t.findings) +
       " finding items.";
  if (info.last_run)
    h += " Gathered from " + link(info.last_run->site, info.last_run->site) + " (last run " +
         esc(info.last_run->started_at) + ", " + esc(info.last_run->status) + ").";
  if (!info.rules_versions.empty()) {
    h += " Rules version";
    h += info.rules_versions.size() > 1 ? "s " : " ";
    // Rule-set versions are long hashes: show a short prefix, the whole one on hover.
    for (size_t i = 0; i < info.rules_versions.size(); ++i)
      h += (i ? ", " : "") + std::string("<span title=\"") + esc(info.rules_versions[i]) + "\">" +
           esc(info.rules_versions[i].substr(0, 12)) + "</span>";
    h += ".";
  }
  h += "</p>\n<ul class=\"downloads\"><li><a href=\"" + std::string(kXlsxName) + "\">Excel workbook</a></li>";
  for (const char* csv : kCsvNames) h += "<li><a href=\"" + std::string(csv) + "\">" + csv + "</a></li>";
  h += "<li><a href=\"" + std::string(kChangesName) + "\">" + kChangesName + "</a></li>";
  h += "<li><a href=\"" + std::string(kJsonName) + "\">" + kJsonName + "</a></li></ul>\n";

  const auto new_kind = t.changes.find("new letter");
  const int new_letters = new_kind == t.changes.end() ? 0 : new_kind->second;
  h += "<section id=\"new\">\n<h2>Changed since last export (" + std::to_string(new_letters) + " new letter" +
       (new_letters == 1 ? "" : "s") + ", " + std::to_string(m.changes - static_cast<size_t>(new_letters)) +
       " changed finding item" + (m.changes - new_letters == 1 ? "" : "s") + ")</h2>\n";
  if (!ctx.previous_export) {
    h += "<p>This is the first export here: there is no earlier one to compare with.</p>\n";
  } else if (m.changes == 0) {
    h += "<p>Nothing new or changed since the export of " + esc(*ctx.previous_export) + ".</p>\n";
  } else {
    h += "<p>Compared with the export of " + esc(*ctx.previous_export) + ".";
    if (!ctx.previous_items_known) h += " That export has no fingerprints: only new letters are listed.";
    h += "</p>\n<ul class=\"changes\">";
    for (const auto& c : m.listed) {
      std::string where = c.authority + (c.date.empty() ? std::string() : ", letter of " + c.date);
      h += "<li><span class=\"change\">" + esc(c.change) + "</span> <a href=\"#urn-" + std::to_string(c.urn) + "\">" +
           esc(where) + "</a>";
      if (!c.section.empty()) h += " · " + esc(section_label(c.section)) + " " + std::to_string(c.number);
      if (!c.text.empty()) h += "<div class=\"change-text\">" + esc(c.text) + "</div>";
      h += "</li>";
    }
    h += "</ul>\n";
    if (m.changes > m.listed.size())
      h += "<p>… and " + std::to_string(m.changes - m.listed.size()) + " more in <a href=\"" + kChangesName + "\">" +
           kChangesName + "</a>.</p>\n";
  }
  h += "</section>\n";

  h += "<section id=\"explore\">\n<h2>Authorities and findings</h2>\n"
       "<div class=\"filters\">"
       "<label class=\"grow\">Search<input id=\"search\" type=\"search\" autocomplete=\"off\" "
       "placeholder=\"Authority, code, region, theme or any words in the findings\"></label>"
       "<label>Focus<select id=\"f-focus\"><option value=\"\">all</option></select></label>"
       "<label>Round<select id=\"f-round\"><option value=\"\">all</option></select></label>"
       "<label>Region<select id=\"f-region\"><option value=\"\">all</option></select></label>"
       "<label>Section<select id=\"f-section\"><option value=\"\">all</option></select></label>"
       "<label>Agency<select id=\"f-agency\"><option value=\"\">all</option></select></label>"
       "</div>\n<p><span id=\"match-count\" aria-live=\"polite\"></span> <span id=\"status\" class=\"meta\"></span></p>\n";
  h += "<div id=\"chart\"><div class=\"chart-head\"><h3>Inspections</h3><div role=\"radiogroup\" class=\"modes\">"
       "<label><input type=\"radio\" name=\"chart-mode\" value=\"year\" checked> focus by year</label>"
       "<label><input type=\"radio\" name=\"chart-mode\" value=\"region\"> by region</label></div></div>"
       "<div id=\"chart-svg\"></div><ul class=\"legend\" id=\"chart-legend\"></ul>"
       "<p class=\"meta\">Inspections matching the filters and search; year of the fieldwork (else of the letter).</p></div>\n";
  h += "<noscript><p>This page needs JavaScript to list the findings; the same data are in the workbook and the CSV files.</p></noscript>\n";
  h += "<div class=\"scroll\"><table id=\"authority-table\">\n<thead><tr>"
       "<th data-key=\"name\"><button type=\"button\">Local authority</button></th>"
       "<th class=\"narrow-hide\" data-key=\"region\"><button type=\"button\">Region</button></th>"
       "<th data-key=\"date\"><button type=\"button\">Latest letter</button></th>"
       "<th data-key=\"focus\"><button type=\"button\">Latest focus</button></th>"
       "<th class=\"narrow-hide\" data-key=\"count\"><button type=\"button\">JTAIs shown</button></th>"
       "<th data-key=\"hits\"><button type=\"button\">Matching findings</button></th></tr></thead>\n<tbody></tbody></table></div>\n"
       "<p><button type=\"button\" id=\"more\" hidden>Show more authorities</button></p>\n</section>\n";

  const int issues = info.issue_count;
  h += "<section id=\"issues\">\n<h2>Known extraction issues (" + std::to_string(issues) + ")</h2>\n";
  if (issues == 0) {
    h += "<p>None: every JTAI letter was extracted without warnings.</p>\n";
  } else {
    h += "<p>Letters whose extraction failed, was quarantined or came with warnings or overrides: check these against the PDF.</p>\n<ul>";
    size_t n = 0;
    ctx.for_each_issue([&](const ExtractionIssue& is) {
      if (++n > kListedIssues) return;
      h += "<li>" + link(is.url, is.authority + (is.letter_date ? ", " + *is.letter_date : std::string())) + ": " +
           esc(is.problem);
      for (const auto& d : is.details) h += "; " + esc(d);
      h += "</li>";
    });
    h += "</ul>\n";
    if (static_cast<size_t>(issues) > kListedIssues)
      h += "<p>… and " + std::to_string(issues - static_cast<int>(kListedIssues)) + " more in the workbook's about sheet.</p>\n";
  }
  h += "</section>\n<p class=\"meta\">Made by jtai from Ofsted's published JTAI letters. The PDFs are the authority; "
       "this page is an extraction.</p>\n</main>\n<script>window.JTAI={};</script>\n<script src=\"" +
       std::string(kHtmlDataDir) + "/inspections.js\"></script>\n<script>" + kScript + "</script>\n</body>\n</html>\n";
  OutputFile page(m.dir / kHtmlName);
  page.write(h);
  page.close();
}

namespace {

const char* const kStyle = R"css(
:root{--fg:#1b1b1b;--muted:#5a5a5a;--line:#d0d7de;--accent:#0b5cad;--bg:#fff;--soft:#f3f6f9}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.2rem 0 .5rem}h2{font-size:1.25rem;margin:1.6rem 0 .5rem}h3{font-size:1.05rem;margin:.4rem 0}h4{margin:.8rem 0 .2rem;font-size:1rem}
a{color:var(--accent)}
.meta{color:var(--muted);margin:.2rem 0}
.downloads{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;list-style:none}
.downloads a{display:inline-block;padding:.35rem .7rem;border:1px solid var(--line);border-radius:6px;text-decoration:none;background:var(--soft)}
.filters{display:flex;flex-wrap:wrap;gap:.5rem .8rem;align-items:flex-end}
.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted);min-width:8rem}
.filters label.grow{flex:1 1 18rem}
.filters input,.filters select{font-size:1rem;padding:.45rem .5rem;border:1px solid #888;border-radius:6px;color:var(--fg);background:#fff;max-width:100%}
.changes{padding-left:1.2rem}.change{font-weight:600}.change-text{color:var(--muted);max-width:90ch;font-size:.92rem}
.chart-head{display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;align-items:baseline}.modes label{margin-right:1rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft);position:sticky;top:0}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit;text-align:left}
th[aria-sort=ascending] button::after{content:" \25B2"}th[aria-sort=descending] button::after{content:" \25BC"}
.codes{color:var(--muted);font-size:.85rem}
td.date{white-space:nowrap}
button.open{font:inherit;color:var(--accent);background:none;border:1px solid var(--line);border-radius:5px;padding:.1rem .5rem;cursor:pointer}
tr.detail>td{background:#fbfcfd;padding:.4rem .8rem 1rem}
.inspection{border-left:3px solid var(--line);padding:.2rem .8rem;margin:.6rem 0;overflow-wrap:anywhere}
.inspection h3 a{color:inherit;text-decoration:none}
.inspection p,.inspection li{max-width:110ch}
li.hit{background:#fff8d6}mark{background:#ffe066;padding:0 .1em}
.tag{display:inline-block;font-size:.78rem;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 .3rem;margin-left:.3rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}dt{color:var(--muted)}dd{margin:0}
.warn{background:#fff5e0;border-left:3px solid #d98e04;padding:.1rem .6rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;font-size:.9rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.35rem;vertical-align:-2px}
#chart-svg svg{max-width:100%;height:auto}
@media (max-width:700px){body{font-size:15px}main{padding:.6rem}.narrow-hide{display:none}dl{grid-template-columns:1fr}
.filters label{min-width:45%}
#authority-table,#authority-table tbody,#authority-table tr,#authority-table td{display:block;width:100%}
#authority-table thead{display:block;background:var(--soft);padding:.2rem .5rem}
#authority-table thead tr{display:flex;flex-wrap:wrap;gap:.2rem 1rem}
#authority-table th{position:static;border:0;padding:.2rem 0;background:none}
#authority-table tr{border-bottom:2px solid var(--line);padding:.4rem 0}
#authority-table td{border:0;padding:.1rem .2rem}
#authority-table td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}
#authority-table .narrow-hide{display:none}}
)css";

const char* const kScript = R"js(
(function(){
'use strict';
var J=window.JTAI, ins=J.inspections||[], parts={}, waiting={};
var SECTIONS=[['priority_action','Areas for priority action','priority action'],['improvement','Areas for improvement','improvement'],
  ['strength','Strengths','strength'],['case_study','Practice and case studies','case study']];
var PALETTE=['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#ad494a','#637939','#843c39'];
var PAGE=100, pending=0, shown=PAGE, results=[], groups=[], open={}, sortKey=null, sortAsc=true;
function $(id){return document.getElementById(id);}
function el(tag,attrs,kids){var e=document.createElement(tag);if(attrs)Object.keys(attrs).forEach(function(k){
  if(k==='text')e.textContent=attrs[k];else if(k==='cls')e.className=attrs[k];else e.setAttribute(k,attrs[k]);});
  (kids||[]).forEach(function(c){if(c!=null)e.appendChild(typeof c==='string'?document.createTextNode(c):c);});return e;}
function pad(n){var s=String(n);while(s.length<4)s='0'+s;return s;}
J.part=function(n,data){parts[n]=data;var w=waiting[n]||[];delete waiting[n];w.forEach(function(f){f();});};
function loadPart(n,done){if(parts[n]){done();return;}if(waiting[n]){waiting[n].push(done);return;}waiting[n]=[done];
  var s=document.createElement('script');s.src='index_data/findings-'+pad(n)+'.js';
  s.onerror=function(){$('status').textContent='Could not load index_data/findings-'+pad(n)+'.js';};document.head.appendChild(s);}
function allLoaded(){for(var i=1;i<=J.partCount;i++)if(!parts[i])return false;return true;}
function loadAll(done){var i=1;(function next(){while(i<=J.partCount&&parts[i])i++;
  if(i>J.partCount){$('status').textContent='';done();return;}
  $('status').textContent='Loading findings: part '+i+' of '+J.partCount+'…';loadPart(i,next);})();}
function words(){return $('search').value.toLowerCase().split(/\s+/).filter(Boolean);}
function meta(r){return r._m||(r._m=[r.a,r.c,r.rg,r.t,r.tp,r.f,r.r,r.dd,r.d,r.fs,r.fe].join(' ').toLowerCase());}
function has(t,w){return t.indexOf(w)>=0;}
// The items of an inspection that match: every word in the item or the letter's details, at least one in the item.
function hitsOf(r,ws,sec,ag){var p=parts[r.part][r.k],m=meta(r),out=[];
  p.i.forEach(function(it,idx){
    if(sec&&it[0]!==sec)return;
    if(ag&&it[4]!==ag&&it[5].split('; ').indexOf(ag)<0)return;
    if(ws.length){var t=(it[2]+' '+it[3]+' '+it[6]).toLowerCase();
      if(!ws.every(function(w){return has(t,w)||has(m,w);})||!ws.some(function(w){return has(t,w);}))return;}
    out.push(idx);});
  return out;}
function fill(id,values){var s=$(id);values.forEach(function(v){s.appendChild(el('option',{value:v[0],text:v[1]}));});}
function distinct(f){var seen={},out=[];ins.forEach(function(r){var v=f(r);if(v&&!seen[v]){seen[v]=1;out.push(v);}});return out.sort();}
function apply(){
  var ws=words(),sec=$('f-section').value,ag=$('f-agency').value,fo=$('f-focus').value,ro=$('f-round').value,rg=$('f-region').value;
  var needText=ws.length>0||!!sec||!!ag;
  if(needText&&!allLoaded()){J.ready=false;loadAll(apply);return;}
  results=[];var hits=0;
  ins.forEach(function(r){
    if(fo&&r.f!==fo)return;if(ro&&r.r!==ro)return;if(rg&&r.rg!==rg)return;
    var h=null;
    if(needText){h=hitsOf(r,ws,sec,ag);
      var byMeta=!sec&&!ag&&ws.every(function(w){return has(meta(r),w);});
      var head=parts[r.part][r.k].h.toLowerCase();
      var byHead=!sec&&!ag&&ws.length&&ws.every(function(w){return has(head,w)||has(meta(r),w);})&&ws.some(function(w){return has(head,w);});
      if(!h.length&&!byMeta&&!byHead)return;}
    hits+=h?h.length:0;results.push({r:r,h:h});});
  groups=[];var by={};
  results.forEach(function(x){var g=by[x.r.u];if(!g){g=by[x.r.u]={u:x.r.u,items:[],hits:0};groups.push(g);}g.items.push(x);g.hits+=x.h?x.h.length:0;});
  groups.forEach(function(g){g.last=g.items[g.items.length-1].r;});
  sortGroups();
  var total=distinct(function(r){return String(r.u);}).length;
  $('match-count').textContent=groups.length+' of '+total+' authorities'+(needText?' · '+hits+' matching finding'+(hits===1?'':'s'):'');
  shown=Math.max(PAGE,shown);render();chart();J.ready=pending<=0;}
function sortGroups(){if(!sortKey)return;var key={name:function(g){return g.last.a.toLowerCase();},region:function(g){return g.last.rg;},
  date:function(g){return g.last.s;},focus:function(g){return g.last.f;},count:function(g){return g.items.length;},hits:function(g){return g.hits;}}[sortKey];
  var idx=groups.map(function(g,i){return {g:g,i:i,k:key(g)};});
  idx.sort(function(a,b){var d=a.k<b.k?-1:a.k>b.k?1:0;if(!sortAsc)d=-d;return d||a.i-b.i;});groups=idx.map(function(x){return x.g;});}
function highlight(text,ws){var node=document.createDocumentFragment();if(!ws.length){node.appendChild(document.createTextNode(text));return node;}
  var low=text.toLowerCase(),i=0;
  while(i<text.length){var best=-1,len=0;ws.forEach(function(w){var j=low.indexOf(w,i);if(j>=0&&(best<0||j<best||(j===best&&w.length>len))){best=j;len=w.length;}});
    if(best<0){node.appendChild(document.createTextNode(text.slice(i)));break;}
    if(best>i)node.appendChild(document.createTextNode(text.slice(i,best)));
    node.appendChild(el('mark',{text:text.slice(best,best+len)}));i=best+len;}
  return node;}
function detail(x,ws){var r=x.r,p=parts[r.part][r.k],hit={};(x.h||[]).forEach(function(i){hit[i]=1;});
  var box=el('div',{cls:'inspection',id:'urn-'+r.u+'-'+r.k});
  box.appendChild(el('h3',{},[el('a',{href:'#urn-'+r.u+'-'+r.k,text:(r.d||r.s||'undated letter')+' · '+(r.t||'theme not found')})]));
  var dl=el('dl');function row(k,v){if(v){dl.appendChild(el('dt',{text:k}));dl.appendChild(el('dd',{text:v}));}}
  row('Fieldwork',r.fs||r.fe?(r.fs||'?')+' to '+(r.fe||'?'):'');row('Letter date',r.d);row('Published',r.p);
  row('Focus',r.f);row('Round',r.r);row('Theme',r.tp||r.t);row('Deep dive',r.dd);row('Priority actions',r.pa);box.appendChild(dl);
  if(p.h){box.appendChild(el('h4',{text:'Headline findings'}));var hp=el('p');hp.appendChild(highlight(p.h,ws));box.appendChild(hp);}
  SECTIONS.forEach(function(s){var list=null;
    if(s[0]==='priority_action'&&r.pa==='stated none'){box.appendChild(el('h4',{text:s[1]}));
      box.appendChild(el('p',{text:'None: the letter states there are no areas for priority action.'}));return;}
    p.i.forEach(function(it,idx){if(it[0]!==s[0])return;
      if(!list){box.appendChild(el('h4',{text:s[1]}));list=el('ol');box.appendChild(list);}
      var li=el('li',{value:String(it[1])});if(hit[idx])li.className='hit';
      if(it[6])li.appendChild(el('strong',{text:it[6]+'. '}));
      li.appendChild(hit[idx]?highlight(it[2],ws):document.createTextNode(it[2]));
      if(it[3])li.appendChild(el('span',{cls:'tag',text:it[3]}));
      if(it[4])li.appendChild(el('span',{cls:'tag',text:'agency: '+it[4]}));
      else if(it[5])li.appendChild(el('span',{cls:'tag',text:'mentions: '+it[5]}));
      list.appendChild(li);});});
  if(p.w.length){var wbox=el('div',{cls:'warn'},[el('h4',{text:'Extraction warnings'})]);var ul=el('ul');
    p.w.forEach(function(w){ul.appendChild(el('li',{text:w}));});wbox.appendChild(ul);box.appendChild(wbox);}
  if(r.url)box.appendChild(el('p',{},[el('a',{href:r.url,text:'The letter (PDF)'})]));
  return box;}
// J.ready: no search pending and every opened inspection drawn (the tests wait for it).
function render(){var body=$('authority-table').tBodies[0],ws=words();body.textContent='';pending=0;
  groups.slice(0,shown).forEach(function(g){var r=g.last,isOpen=!!open[g.u];
    var tr=el('tr',{cls:'authority','data-urn':String(g.u),id:'urn-'+g.u});
    tr.appendChild(el('td',{},[el('span',{cls:'name',text:r.a}),el('div',{cls:'codes',text:r.c})]));
    tr.appendChild(el('td',{cls:'narrow-hide',text:r.rg}));
    tr.appendChild(el('td',{cls:'date','data-label':'Latest letter',text:r.d||r.s}));
    tr.appendChild(el('td',{'data-label':'Latest focus',text:r.f}));
    tr.appendChild(el('td',{cls:'narrow-hide',text:String(g.items.length)}));
    var b=el('button',{type:'button',cls:'open','aria-expanded':String(isOpen),text:isOpen?'Close':'Open'});
    var hitText=g.items[0].h?g.hits+' matching':'';
    tr.appendChild(el('td',{'data-label':'Findings'},[hitText?el('span',{cls:'hits',text:hitText+' '}):null,b]));
    b.addEventListener('click',function(){open[g.u]=!open[g.u];render();});
    body.appendChild(tr);
    if(isOpen){var td=el('td',{colspan:'6'}),dtr=el('tr',{cls:'detail','data-urn':String(g.u)},[td]);body.appendChild(dtr);
      var need={};g.items.forEach(function(x){need[x.r.part]=1;});var ps=Object.keys(need),left=ps.length;
      td.appendChild(el('p',{cls:'meta',text:'Loading…'}));pending++;
      ps.forEach(function(n){loadPart(Number(n),function(){if(--left)return;td.textContent='';
        g.items.slice().reverse().forEach(function(x){td.appendChild(detail(x,ws));});if(--pending<=0)J.ready=true;});});}});
  if(pending)J.ready=false;
  $('more').hidden=groups.length<=shown;}
function chart(){var mode=document.querySelector('input[name=chart-mode]:checked').value;
  var counts={},xs={},series={},max=1;
  results.forEach(function(x){var r=x.r,k=mode==='year'?r.y:r.rg;xs[k]=1;series[r.f]=(series[r.f]||0)+1;counts[k]=counts[k]||{};counts[k][r.f]=(counts[k][r.f]||0)+1;});
  var keys=Object.keys(xs).sort();
  if(mode==='year'){var ys=keys.filter(function(k){return /^\d{4}$/.test(k);}).map(Number);
    if(ys.length){var all=[];for(var y=Math.min.apply(null,ys);y<=Math.max.apply(null,ys);y++)all.push(String(y));
      keys=all.concat(keys.filter(function(k){return !/^\d{4}$/.test(k);}));}}
  var order=Object.keys(allSeries).sort(function(a,b){return allSeries[b]-allSeries[a]||(a<b?-1:1);});
  keys.forEach(function(k){var t=0;Object.keys(counts[k]||{}).forEach(function(s){t+=counts[k][s];});if(t>max)max=t;});
  var NS='http://www.w3.org/2000/svg',bar=mode==='year'?34:46,gap=14,left=mode==='year'?36:110,top=16,plotH=200,bottom=mode==='year'?28:120;
  var width=left+keys.length*(bar+gap)+gap,height=top+plotH+bottom;
  function s(tag,a,txt){var e=document.createElementNS(NS,tag);Object.keys(a).forEach(function(k){e.setAttribute(k,a[k]);});if(txt!=null)e.textContent=txt;return e;}
  var svg=s('svg',{viewBox:'0 0 '+width+' '+height,width:width,height:height,role:'img','aria-label':'Inspections '+(mode==='year'?'by year and focus':'by region and focus')});
  var g=s('g',{'font-family':'system-ui,sans-serif','font-size':'11',fill:'#444'});svg.appendChild(g);
  var step=Math.max(1,Math.ceil(max/4));
  for(var v=0;v<=max;v+=step){var yy=top+plotH-Math.round(v*plotH/max);g.appendChild(s('line',{x1:left-4,x2:width,y1:yy,y2:yy,stroke:'#e3e3e3'}));
    g.appendChild(s('text',{x:left-8,y:yy+4,'text-anchor':'end'},String(v)));}
  keys.forEach(function(k,i){var x=left+gap+i*(bar+gap),acc=0;
    order.forEach(function(f){var n=(counts[k]||{})[f];if(!n)return;var y0=top+plotH-Math.round((acc+n)*plotH/max),y1=top+plotH-Math.round(acc*plotH/max);
      var rect=s('rect',{x:x,y:y0,width:bar,height:y1-y0,fill:colour[f]});rect.appendChild(s('title',{},k+': '+n+' × '+f));g.appendChild(rect);acc+=n;});
    if(acc)g.appendChild(s('text',{x:x+bar/2,y:top+plotH-Math.round(acc*plotH/max)-4,'text-anchor':'middle'},String(acc)));
    var lab=s('text',{x:x+bar/2,y:top+plotH+14,'text-anchor':mode==='year'?'middle':'end',transform:mode==='year'?'':'rotate(-40 '+(x+bar/2)+' '+(top+plotH+14)+')'},k);
    g.appendChild(lab);});
  var holder=$('chart-svg');holder.textContent='';holder.appendChild(keys.length?svg:el('p',{text:'No inspections match.'}));
  var legend=$('chart-legend');legend.textContent='';
  order.forEach(function(f){if(!series[f])return;legend.appendChild(el('li',{},[el('span',{cls:'swatch',style:'background:'+colour[f]}),f+' ('+series[f]+')']));});}
var allSeries={},colour={};ins.forEach(function(r){allSeries[r.f]=(allSeries[r.f]||0)+1;});
Object.keys(allSeries).sort(function(a,b){return allSeries[b]-allSeries[a]||(a<b?-1:1);}).forEach(function(f,i){colour[f]=PALETTE[i%PALETTE.length];});
fill('f-focus',distinct(function(r){return r.f;}).map(function(v){return [v,v];}));
fill('f-round',distinct(function(r){return r.r;}).map(function(v){return [v,v];}));
fill('f-region',distinct(function(r){return r.rg;}).map(function(v){return [v,v];}));
fill('f-section',SECTIONS.map(function(s){return [s[0],s[2]];}));
fill('f-agency',(J.agencies||[]).map(function(v){return [v,v];}));
var timer=null;
$('search').addEventListener('input',function(){J.ready=false;clearTimeout(timer);timer=setTimeout(function(){shown=PAGE;apply();},ins.length>2000?200:0);});
['f-focus','f-round','f-region','f-section','f-agency'].forEach(function(id){$(id).addEventListener('change',function(){shown=PAGE;apply();});});
Array.prototype.forEach.call(document.querySelectorAll('input[name=chart-mode]'),function(b){b.addEventListener('change',chart);});
$('more').addEventListener('click',function(){shown+=PAGE;render();});
var heads=$('authority-table').tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th){th.querySelector('button').addEventListener('click',function(){
  var k=th.dataset.key;sortAsc=sortKey===k?!sortAsc:true;sortKey=k;
  Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});th.setAttribute('aria-sort',sortAsc?'ascending':'descending');
  sortGroups();render();});});
function fromHash(){var q=/^#q=(.*)$/.exec(location.hash);if(q){$('search').value=decodeURIComponent(q[1]);apply();return;}
  var m=/^#urn-(\d+)(?:-(.+))?$/.exec(location.hash);if(!m)return;var u=Number(m[1]);
  var at=-1;groups.forEach(function(g,i){if(g.u===u)at=i;});
  if(at<0){['f-focus','f-round','f-region','f-section','f-agency'].forEach(function(id){$(id).value='';});$('search').value='';apply();
    groups.forEach(function(g,i){if(g.u===u)at=i;});}
  if(at<0)return;if(at>=shown)shown=at+1;open[u]=true;render();
  var target=m[2]?null:$('urn-'+u);
  (function go(tries){var t=target||document.getElementById('urn-'+u+'-'+m[2]);if(t){t.scrollIntoView();return;}if(tries)setTimeout(function(){go(tries-1);},50);})(40);}
window.addEventListener('hashchange',fromHash);
apply();fromHash();
})();
)js";

}  // namespace

}  // namespace jtai::exporter
