/* Backstage's live labs: the Web Worker that runs the simulator under Pyodide, off the page's main thread.
 *
 * "boot": fetch the Pyodide core, simpy's wheel and the project's zip from this site (reporting the bytes, for the
 * page's progress bar), start Pyodide, unpack the two archives and import widgets.live. "run": one lab's values in,
 * its datasets out, or an exercise's answer in, its verdict out (widgets/live.py, handle). Nothing is fetched from anywhere but this site. See book/_ext/live_labs.py.
 */
"use strict";

var handle = null;

function post(message) { self.postMessage(message); }

function kindOf(error) {
  var text = String((error && (error.message || error.name)) || error);
  return /memory|RangeError|allocat/i.test(text) ? "memory" : "error";
}

async function fetchBytes(url, onBytes) {
  var response = await fetch(url);
  if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
  var reader = response.body.getReader();
  var chunks = [], size = 0;
  for (;;) {
    var step = await reader.read();
    if (step.done) { break; }
    chunks.push(step.value);
    size += step.value.length;
    onBytes(step.value.length);
  }
  var bytes = new Uint8Array(size), at = 0;
  chunks.forEach(function (c) { bytes.set(c, at); at += c.length; });
  return bytes;
}

async function boot(base) {
  var t0 = performance.now();
  var files = await (await fetch(base + "files.json")).json();
  var loaded = 0;
  var bytes = {};
  post({type: "progress", stage: "download", loaded: 0, total: files.total_bytes});
  // Fetched here with progress; Pyodide then finds its own files in the browser's cache.
  await Promise.all(Object.keys(files.files).map(async function (path) {
    bytes[path] = await fetchBytes(base + path, function (n) {
      loaded += n;
      post({type: "progress", stage: "download", loaded: loaded, total: files.total_bytes});
    });
  }));
  var t1 = performance.now();
  post({type: "progress", stage: "boot"});
  importScripts(base + "pyodide/pyodide.js");
  var pyodide = await loadPyodide({indexURL: base + "pyodide/"});
  var t2 = performance.now();
  post({type: "progress", stage: "install"});
  pyodide.unpackArchive(bytes[files.simpy_wheel], "wheel");
  pyodide.unpackArchive(bytes[files.project], "zip", {extractDir: "/home/pyodide/backstage"});
  pyodide.runPython("import sys\nsys.path.insert(0, '/home/pyodide/backstage')\nimport widgets.live");
  handle = pyodide.pyimport("widgets.live").handle;
  var t3 = performance.now();
  post({type: "ready", pyodide: files.pyodide, bytes: files.total_bytes,
        timings: {download_ms: t1 - t0, boot_ms: t2 - t1, install_ms: t3 - t2}});
}

function run(message) {
  var t0 = performance.now();
  var answer;
  try {
    answer = JSON.parse(handle(JSON.stringify(message.payload)));
  } catch (error) {
    var lines = String(error && error.message || error).trim().split("\n");
    answer = {ok: false, internal: true, error: "the simulator failed in the browser: " + lines[lines.length - 1]};
  }
  answer.worker_ms = performance.now() - t0;
  post({type: "result", id: message.id, answer: answer});
}

self.onmessage = function (event) {
  var message = event.data;
  if (message.type === "boot") {
    boot(message.base).catch(function (error) {
      post({type: "failed", kind: kindOf(error), message: String(error && error.message || error)});
    });
  } else if (message.type === "run") {
    run(message);
  }
};
