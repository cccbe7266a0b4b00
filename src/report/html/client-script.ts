import { CHART_COLORS } from './chart-spec.js';

/**
 * The page's own script (plain ES2017, no build step): draws each chart of the JSON block with uPlot
 * into its box, replacing the static SVG on screen (print keeps the SVG). Time charts share the cursor
 * (uPlot's sync) and the zoom (a drag sets the x range of all of them; a double click resets). The legend
 * shows the values under the cursor and toggles a series on click. Charts follow their box's width.
 * Marks (a sweep's knee) are dashed vertical lines drawn over the plot; grouped bars sit side by side
 * around each category, whose name is the tick.
 * `window.reportCharts` holds the plots by id, for tests and for the curious reader's console;
 * `window.reportReadyMs` when they were all drawn (the bench's render time).
 */
export const CLIENT_SCRIPT = `(function(){
var COLORS=${JSON.stringify(CHART_COLORS)};
var el=document.getElementById('report-data');
if(!el||typeof uPlot==='undefined')return;
var data=JSON.parse(el.textContent);
var charts={};window.reportCharts=charts;
function fmt(v){if(v==null||!isFinite(v))return '\\u2013';var a=Math.abs(v);if(a>=1000)return Math.round(v).toLocaleString('en-US');if(a>=100)return String(Math.round(v));if(a>=10)return String(Math.round(v*10)/10);return String(Math.round(v*100)/100);}
var zooming=false;
function syncZoom(u){if(zooming)return;zooming=true;var s=u.scales.x;Object.keys(charts).forEach(function(k){var o=charts[k];if(o!==u&&o.reportKind==='time')o.setScale('x',{min:s.min,max:s.max});});zooming=false;}
function heightFor(w){return w<520?170:220;}
function drawMarks(u,marks){var b=u.bbox,ctx=u.ctx,r=window.devicePixelRatio||1;marks.forEach(function(m){var x=Math.round(u.valToPos(m.x,'x',true));if(x<b.left||x>b.left+b.width)return;var right=x>b.left+b.width-80*r;ctx.save();ctx.strokeStyle=COLORS[3];ctx.fillStyle=COLORS[3];ctx.lineWidth=r;ctx.setLineDash([4*r,3*r]);ctx.beginPath();ctx.moveTo(x,b.top);ctx.lineTo(x,b.top+b.height);ctx.stroke();ctx.font=(11*r)+'px system-ui,sans-serif';ctx.textAlign=right?'right':'left';ctx.textBaseline='top';ctx.fillText(m.label,x+(right?-4:4)*r,b.top+2*r);ctx.restore();});}
data.charts.forEach(function(spec){
var box=document.querySelector('[data-chart-id="'+spec.id+'"]');if(!box)return;
var time=spec.kind==='time',bars=spec.kind==='bars',half=(spec.binWidth||0)/2;
var groups=spec.kind==='groups',cats=spec.categories||[],gw=0.8/Math.max(1,spec.series.length);
var xs={label:spec.xLabel,value:function(u,v){if(v==null)return '\\u2013';if(groups)return cats[v]==null?'\\u2013':cats[v];if(bars)return fmt(v-half)+'\\u2013'+fmt(v+half)+' '+spec.xUnit;return fmt(v)+' '+spec.xUnit;}};
var series=[xs].concat(spec.series.map(function(s,i){var c=COLORS[((spec.color||0)+i)%COLORS.length];var o={label:s.label,stroke:c,width:bars?1:1.5,spanGaps:false,points:{show:!bars&&spec.x.length<40},value:function(u,v){return v==null?'\\u2013':fmt(v)+(spec.yUnit?' '+spec.yUnit:'');}};if(bars){o.fill=c+'aa';o.paths=uPlot.paths.bars({size:[0.92,Infinity],align:0});}
if(groups){o.fill=c+'dd';o.points={show:false};o.paths=uPlot.paths.bars({align:1,disp:{x0:{unit:1,values:function(u){return u.data[0].map(function(x){return x-0.4+i*gw;});}},size:{unit:1,values:function(){return [gw*0.92];}}}});}return o;}));
var w=Math.max(200,box.clientWidth);
var opts={width:w,height:heightFor(w),series:series,scales:{x:{time:false},y:{range:function(u,min,max){return [Math.min(0,min),max>0?max*1.08:1];}}},legend:{live:true},
cursor:{drag:{x:true,y:false,setScale:true},sync:time?{key:'report-time',setSeries:false}:undefined},
axes:[{values:function(u,vs){return vs.map(function(v){return fmt(v)+(time?' s':'');});}},{size:54,values:function(u,vs){return vs.map(fmt);}}],
hooks:{setScale:[function(u,key){if(key==='x'&&time)syncZoom(u);}],draw:[function(u){drawMarks(u,spec.marks||[]);}],drawClear:[function(u){var wu=spec.warmupS||0;if(!time||wu<=0)return;var b=u.bbox,x1=Math.min(b.left+b.width,u.valToPos(wu,'x',true));if(x1<=b.left)return;u.ctx.save();u.ctx.fillStyle='#eef1f4';u.ctx.fillRect(b.left,b.top,x1-b.left,b.height);u.ctx.restore();}]}};
if(bars)opts.scales.x.range=function(u,min,max){return [min-half,max+half];};
if(groups){opts.scales.x.range=function(){return [-0.5,spec.x.length-0.5];};opts.cursor.points={show:false};opts.axes[0]={splits:function(){return spec.x;},values:function(u,vs){return vs.map(function(v){var n=cats[v]==null?'':cats[v];return n.length>14?n.slice(0,13)+'\\u2026':n;});}};}
if(spec.xLog&&spec.x[0]>0){opts.scales.x.distr=3;opts.scales.x.log=2;}
if(spec.kind==='xy'&&spec.x.length<=12)opts.axes[0].splits=function(u,ai,min,max){return spec.x.filter(function(v){return v>=min&&v<=max;});};
var u=new uPlot(opts,[spec.x].concat(spec.series.map(function(s){return s.values;})),box);
u.reportKind=spec.kind;charts[spec.id]=u;box.classList.add('live');
if(typeof ResizeObserver!=='undefined'){var last=w;new ResizeObserver(function(){var nw=Math.max(200,box.clientWidth);if(Math.abs(nw-last)<2)return;last=nw;u.setSize({width:nw,height:heightFor(nw)});}).observe(box);}
});
window.reportReadyMs=performance.now();
document.documentElement.setAttribute('data-charts-ready',String(Object.keys(charts).length));
})();`;
