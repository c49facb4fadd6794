/* Backstage's live labs: "Run live in your browser" above every lab's static twin.
 *
 * Until the reader clicks, nothing else is fetched and the chart is the one precomputed at build time. On the click,
 * a Web Worker (worker.js) boots Pyodide from this site, with a progress bar; from then on the lab's controls no
 * longer pick a precomputed run: each change re-runs the simulator in the worker (widgets/live.py) and hands the
 * new rows to the chart's existing Vega view, whose spec stays the one recorded when the book was built. Ranges
 * become finer (a tenth of their step). See book/_ext/live_labs.py for what is served.
 */
(function () {
  "use strict";

  var BASE = new URL(".", document.currentScript.src).href;
  var MB = 1024 * 1024;
  // What the bench and the browser tests read: boot timings and every redraw's timing.
  var record = window.backstageLive = {boot: null, redraws: [], labs: []};

  var worker = null;
  var nextId = 1;
  var waiting = {};

  function unsupported() {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      return "this browser cannot run WebAssembly, which the live simulator needs";
    }
    if (typeof Worker !== "function") {
      return "this browser cannot run Web Workers, which the live simulator needs";
    }
    if (navigator.deviceMemory && navigator.deviceMemory < 1) {
      return "this device reports less than 1 GB of memory, too little for Python in the browser";
    }
    return null;
  }

  function startWorker(onProgress) {
    if (worker) {
      worker.listeners.push(onProgress);
      return worker.ready;
    }
    var w = new Worker(BASE + "worker.js");
    var started = performance.now();
    var current = worker = {w: w, listeners: [onProgress]};
    current.ready = new Promise(function (resolve, reject) {
      w.onmessage = function (event) {
        var m = event.data;
        if (m.type === "progress") {
          current.listeners.forEach(function (f) { f(m); });
        } else if (m.type === "ready") {
          record.boot = Object.assign({total_ms: performance.now() - started}, m.timings);
          record.pyodide = m.pyodide;
          resolve(m);
        } else if (m.type === "failed") {
          reject(m);
        } else if (m.type === "result") {
          var done = waiting[m.id];
          delete waiting[m.id];
          if (done) { done(m.answer); }
        }
      };
      w.onerror = function (event) {
        reject({kind: "error", message: event.message || "the worker could not start"});
      };
    });
    current.ready.catch(function () {
      w.terminate();
      if (worker === current) { worker = null; }  // a later click tries again
    });
    w.postMessage({type: "boot", base: BASE});
    return current.ready;
  }

  function ask(payload) {
    return new Promise(function (resolve) {
      var id = nextId++;
      waiting[id] = resolve;
      worker.w.postMessage({type: "run", id: id, payload: payload});
    });
  }

  function simulate(spec, values) { return ask({spec: spec, values: values}); }

  // Shows the worker's start on one box's progress bar and status line.
  function progressOn(box) {
    var progress = box.querySelector(".backstage-live-progress");
    var say = function (text) { box.querySelector(".backstage-live-status").textContent = text; };
    progress.hidden = false;
    say("Downloading Python for your browser…");
    return function (m) {
      if (m.stage === "download") {
        progress.max = m.total;
        progress.value = m.loaded;
        say("Downloading Python for your browser: " + (m.loaded / MB).toFixed(1) + " of " +
            (m.total / MB).toFixed(1) + " MB (once; your browser keeps it).");
      } else {
        progress.removeAttribute("value");  // indeterminate
        say(m.stage === "boot" ? "Starting Python…" : "Installing the simulator…");
      }
    };
  }

  function failureText(failure) {
    var memory = failure && failure.kind === "memory";
    return memory ? "this browser ran out of memory starting Python; close other tabs and try again."
      : "Python could not start in this browser (" + ((failure && failure.message) || failure) + ").";
  }

  // An exercise: the reader's answer (Python source) judged by the chapter's checker in the worker.
  function Exercise(box) {
    this.box = box;
    this.button = box.querySelector(".backstage-live-button");
    this.status = box.querySelector(".backstage-live-status");
    this.answer = box.querySelector(".backstage-answer");
    this.verdict = box.querySelector(".backstage-exercise-verdict");
    this.button.disabled = false;
    this.button.addEventListener("click", this.check.bind(this));
    box.backstageExercise = this;
  }

  Exercise.prototype.check = function () {
    var ex = this, box = ex.box;
    var why = unsupported();
    if (why) {
      ex.status.textContent = "Run the cell in JupyterLab instead: " + why + ".";
      box.classList.add("backstage-live-failed");
      return;
    }
    ex.button.disabled = true;
    var started = performance.now();
    startWorker(progressOn(box)).then(function () {
      box.querySelector(".backstage-live-progress").hidden = true;
      ex.status.textContent = "Checking…";
      return ask({module: box.dataset.module, exercise: box.dataset.exercise, source: ex.answer.value});
    }).then(function (answer) {
      box.classList.toggle("backstage-live-failed", !answer.ok);
      if (!answer.ok) {
        ex.status.textContent = answer.error;
      } else {
        ex.verdict.innerHTML = answer.html;  // the checker's own HTML (its message escaped in Python)
        ex.status.textContent = "Checked in your browser in " + Math.round(performance.now() - started) + " ms.";
        box.dataset.checks = String(Number(box.dataset.checks || 0) + 1);
      }
    }, function (failure) {
      box.querySelector(".backstage-live-progress").hidden = true;
      box.classList.add("backstage-live-failed");
      ex.status.textContent = "Not checked: " + failureText(failure);
    }).then(function () {
      ex.button.disabled = false;
    });
  };

  function Lab(box) {
    this.box = box;
    this.spec = JSON.parse(box.querySelector("script.backstage-live-spec").textContent);
    this.button = box.querySelector(".backstage-live-button");
    this.progress = box.querySelector(".backstage-live-progress");
    this.status = box.querySelector(".backstage-live-status");
    this.chart = box.querySelector("div[id^='altair-viz-']");
    this.controls = {};
    this.spec.controls.forEach(function (c) { this.controls[c.name] = c; }, this);
    this.values = null;
    this.wanted = null;
    this.busy = false;
    this.button.disabled = false;
    this.button.addEventListener("click", this.start.bind(this));
    box.backstageLab = this;
  }

  Lab.prototype.say = function (text, error) {
    this.status.textContent = text;
    this.box.classList.toggle("backstage-live-failed", Boolean(error));
  };

  // What runs it, and under which licences (THIRD-PARTY.txt, written by the build).
  Lab.prototype.credit = function () {
    if (this.box.querySelector(".backstage-live-credit")) { return; }
    var link = document.createElement("a");
    link.className = "backstage-live-credit";
    link.href = BASE + "THIRD-PARTY.txt";
    link.textContent = "Python in the browser: Pyodide " + (record.pyodide || "") + ", served by this site (licences)";
    this.status.parentNode.appendChild(link);
  };

  Lab.prototype.view = function () {
    var chart = this.chart;
    if (chart.backstageView) { return Promise.resolve(chart.backstageView); }
    return new Promise(function (resolve) {
      chart.addEventListener("backstage:embedded", function (e) { resolve(e.detail.view); }, {once: true});
    });
  };

  Lab.prototype.start = function () {
    var lab = this;
    var why = unsupported();
    if (why) {
      lab.button.disabled = true;
      lab.say("The figure stays the precomputed one: " + why + ".", true);
      return;
    }
    var clicked = performance.now();
    lab.button.disabled = true;
    lab.button.textContent = "Starting…";
    startWorker(progressOn(lab.box)).then(function () {
      return lab.view();
    }).then(function (view) {
      lab.goLive(view, clicked);
    }).catch(function (failure) {
      lab.progress.hidden = true;
      lab.button.textContent = "Run live in your browser";
      lab.button.disabled = false;
      lab.say("The figure stays the precomputed one: " + failureText(failure), true);
    });
  };

  Lab.prototype.goLive = function (view, clicked) {
    var lab = this;
    lab.live = view;
    lab.values = {};
    lab.spec.controls.forEach(function (c) { lab.values[c.name] = view.signal(c.name); });
    // Ranges become finer: any tenth of a step, not only the precomputed grid.
    lab.spec.controls.forEach(function (c) {
      if (c.kind !== "range") { return; }
      var input = lab.chart.querySelector(".vega-bindings input[name='" + c.name + "']");
      if (input) { input.step = String(c.live_step); }
    });
    // The controls now ask the simulator: their events stop here, before Vega's own handlers, and the view gets
    // the new value together with the new rows (so it never filters the old rows by the new value).
    var intercept = function (event) {
      var input = event.target;
      var c = input && lab.controls[input.name];
      if (!c || !input.closest || !input.closest(".vega-bindings")) { return; }
      event.stopPropagation();
      var value;
      if (c.kind === "range") {
        value = Number(input.value);
        var shown = input.nextElementSibling;  // Vega's label of the range's value
        if (shown && shown.tagName === "SPAN") { shown.textContent = input.value; }
      } else if (c.kind === "toggle") {
        value = Boolean(input.checked);
      } else {
        value = c.options[input.selectedIndex];
      }
      var values = Object.assign({}, lab.wanted ? lab.wanted.values : lab.values);
      values[c.name] = value;
      lab.request(values, performance.now(), "change");
    };
    lab.chart.addEventListener("input", intercept, true);
    lab.chart.addEventListener("change", intercept, true);
    lab.box.classList.add("backstage-live-on");
    lab.progress.hidden = true;
    lab.button.textContent = "Live";
    lab.say("Running the simulator…");
    lab.request(lab.values, clicked, "first");
  };

  Lab.prototype.request = function (values, t0, kind) {
    this.wanted = {values: values, t0: t0, kind: kind};
    if (!this.busy) { this.pump(); }
  };

  Lab.prototype.pump = function () {
    var lab = this;
    var wanted = lab.wanted;
    lab.wanted = null;
    lab.busy = true;
    simulate(lab.spec, wanted.values).then(function (answer) {
      return lab.apply(answer, wanted);
    }).catch(function (error) {
      lab.say("The live lab failed: " + ((error && error.message) || error), true);
    }).then(function () {
      lab.busy = false;
      if (lab.wanted) { lab.pump(); }
    });
  };

  Lab.prototype.apply = function (answer, wanted) {
    var lab = this;
    var view = lab.live;
    if (!answer.ok) {
      // As in the kernel: the plain-language message in place of the chart (the controls stay, to move back).
      lab.say(answer.error, true);
      lab.values = Object.assign({}, wanted.values);
      return view.runAsync();
    }
    Object.keys(answer.tables).forEach(function (name) {
      // As Vega reads the inline CSV the twin was built with: strings, which the chart's own parse turns into
      // numbers where it did at build time.
      var table = answer.tables[name], header = table[0];
      view.data(name, table.slice(1).map(function (cells) {
        var row = {};
        header.forEach(function (column, i) { row[column] = cells[i]; });
        return row;
      }));
    });
    lab.spec.controls.forEach(function (c) { view.signal(c.name, answer.values[c.name]); });
    lab.values = answer.values;
    lab.summary = answer.summary;
    return view.runAsync().then(function () {
      var ms = performance.now() - wanted.t0;
      record.redraws.push({lab: record.labs.indexOf(lab), kind: wanted.kind, ms: ms, worker_ms: answer.worker_ms,
                           python_ms: answer.ms});
      lab.box.dataset.liveRuns = String(Number(lab.box.dataset.liveRuns || 0) + 1);
      lab.say("Live: the simulator ran in your browser; this redraw took " + Math.round(ms) + " ms. " +
              "Every control now re-runs it" + (lab.spec.controls.some(function (c) { return c.kind === "range"; })
                ? ", and sliders take any value between their marks." : "."));
      lab.credit();
    });
  };

  function wake() {
    document.querySelectorAll(".backstage-lab").forEach(function (box) {
      if (box.querySelector("script.backstage-live-spec") && !box.backstageLab) {
        record.labs.push(new Lab(box));
      }
    });
    document.querySelectorAll(".backstage-exercise").forEach(function (box) {
      if (!box.backstageExercise) { new Exercise(box); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wake);
  } else {
    wake();
  }
})();
