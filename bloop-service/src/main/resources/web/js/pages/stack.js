// Stack traces as lists of frames: JVM and Android, JavaScript (V8, Firefox, Safari; raw or
// source-mapped), Apple crash logs (iOS, macOS), Python and Ruby. App frames are emphasised,
// runs of library frames folded, and the frame the issue was grouped by is marked.
import { useState } from 'preact/hooks';
import { html } from '../ui.js';

// Library code, as the server's frame picker (StackFramePicker) knows it: package prefixes of
// JVM and Android frames, path and runtime markers of the other platforms, and Apple system
// modules (whole words). Copied from there; keep the two in step. The grouping frame the server
// chose is authoritative: frames above it are library code whatever these lists say.
const PACKAGES = [
  'java.', 'javax.', 'jakarta.', 'jdk.', 'sun.', 'com.sun.', 'kotlin.', 'kotlinx.', 'scala.', 'groovy.',
  'org.codehaus.groovy.', 'clojure.', 'org.postgresql.', 'com.mysql.', 'org.mariadb.', 'org.h2.', 'org.hsqldb.',
  'org.sqlite.', 'oracle.jdbc.', 'oracle.ucp.', 'com.microsoft.sqlserver.', 'com.ibm.db2.', 'com.zaxxer.hikari.',
  'com.mchange.', 'org.mongodb.', 'com.mongodb.', 'redis.clients.', 'io.lettuce.', 'com.datastax.',
  'org.neo4j.driver.', 'org.elasticsearch.', 'co.elastic.', 'org.opensearch.', 'com.amazonaws.', 'software.amazon.',
  'com.azure.', 'org.springframework.', 'org.hibernate.', 'org.jboss.', 'org.jooq.', 'org.jdbi.', 'org.mybatis.',
  'org.apache.', 'org.eclipse.', 'org.glassfish.', 'io.undertow.', 'io.netty.', 'io.vertx.', 'io.quarkus.',
  'io.micronaut.', 'io.dropwizard.', 'io.javalin.', 'io.ktor.', 'io.helidon.', 'reactor.', 'io.reactivex.', 'rx.',
  'akka.', 'org.aspectj.', 'net.bytebuddy.', 'net.sf.cglib.', 'org.objenesis.', 'com.google.', 'io.grpc.',
  'com.fasterxml.', 'com.squareup.', 'okhttp3.', 'okio.', 'retrofit2.', 'dagger.', 'feign.', 'com.netflix.',
  'io.github.resilience4j.', 'org.slf4j.', 'ch.qos.logback.', 'io.micrometer.', 'io.opentelemetry.', 'io.sentry.',
  'org.junit.', 'junit.', 'org.testng.', 'org.mockito.', 'org.json.', 'org.yaml.snakeyaml.',
  'com.github.benmanes.caffeine.', 'org.flywaydb.', 'liquibase.', 'com.typesafe.', 'org.jetbrains.',
  'org.bouncycastle.', 'org.thymeleaf.', 'freemarker.', 'android.', 'androidx.', 'com.android.', 'dalvik.',
  'libcore.', 'org.chromium.', 'com.facebook.react.', 'com.facebook.hermes.', 'com.facebook.jni.', 'com.apple.'];
const MARKERS = [
  'node_modules/', 'node_modules\\', 'node:internal', '(node:', 'at node:', '(internal/', 'at internal/',
  '(<anonymous>)', 'at <anonymous>', '(index ', '(native)', '[native code]', '(events.js:', '(net.js:',
  '(timers.js:', '(fs.js:', '(domain.js:', '(_stream_', '(_http_', '(http.js:', '(https.js:', '(tls.js:', '(dns.js:',
  '(zlib.js:', '(stream.js:', '(child_process.js:', '(module.js:', '(buffer.js:', '(util.js:', '(vm.js:',
  '(async_hooks.js:', 'chrome-extension://', 'moz-extension://', 'safari-extension://', 'safari-web-extension://',
  'webkit-masked-url://', 'webpack/bootstrap', 'webpack/runtime/', '(webpack)/', '__webpack_require__',
  '__webpack_modules__', 'react-dom.', 'react-dom@', 'react-dom/', '/react@', 'react.production.',
  'react.development.', 'scheduler.production.', 'scheduler.development.', '/scheduler@',
  '/_next/static/chunks/framework-', '/_next/static/chunks/webpack-', '/_next/static/chunks/main-', 'vue.runtime.',
  '/vue@', 'zone.js', '/polyfills', 'vendors~', 'vendors-node_modules_', 'unpkg.com/', 'cdn.jsdelivr.net/',
  'cdnjs.cloudflare.com/', 'ajax.googleapis.com/', 'googletagmanager.com/', 'google-analytics.com/',
  'connect.facebook.net/', '/@vite/', 'site-packages/', 'site-packages\\', 'dist-packages/', 'dist-packages\\',
  '/lib/python2.', '/lib/python3.', '<frozen ', '/gems/', '\\gems\\', '/lib/ruby/', '/rubygems/', '/rubygems.rb',
  '<internal:', 'dart:', 'package:flutter/', ' /apex/', ' /system/lib', ' /system/framework/', ' /vendor/lib',
  'objc_msgSend', 'objc_exception_throw', 'objc_exception_rethrow', '_objc_terminate', '__exceptionPreprocess',
  '___forwarding___', '_CF_forwarding_prep_', 'libsystem_', 'libswift', '/System/Library/', '/usr/lib/system/',
  '/usr/lib/libobjc', '/usr/lib/libc++', '/usr/lib/dyld'];
const APPLE = [
  'UIKitCore', 'UIKit', 'CoreFoundation', 'Foundation', 'libobjc.A.dylib', 'libdispatch.dylib', 'libdispatch',
  'libdyld.dylib', 'dyld', 'libc++abi.dylib', 'libc++.1.dylib', 'libxpc.dylib', 'SwiftUI', 'SwiftUICore',
  'GraphicsServices', 'CoreData', 'QuartzCore', 'CFNetwork', 'Security', 'AppKit', 'Combine', 'CoreGraphics',
  'CoreText', 'WebKit', 'JavaScriptCore', 'AVFoundation', 'FrontBoardServices', 'BaseBoard', 'RunningBoardServices',
  'IOKit'];

function containsAsWord(line, marker) {
  let at = line.indexOf(marker);
  while (at >= 0) {
    const before = at === 0 ? ' ' : line[at - 1];
    if (!/[A-Za-z0-9._$]/.test(before)) return true;
    at = line.indexOf(marker, at + 1);
  }
  return false;
}

export function isLibrary(raw) {
  const symbol = raw.trim().replace(/^at /, '').replace(/^[\w.]+\//, ''); // JVM module prefix ("java.base/")
  return PACKAGES.some((p) => symbol.startsWith(p)) || MARKERS.some((m) => containsAsWord(raw, m))
    || raw.split(/\s+/).some((t) => APPLE.includes(t));
}

// The server's frame cleaning (StackFramePicker.clean): no frame index, line/column numbers,
// addresses or offsets, so a frame can be compared with the group's grouping frame.
export function clean(frame) {
  let s = frame.trim().replace(/^\d+(?=\s)/, '');
  s = s.replace(/:\d+/g, '').replace(/(^|[^A-Za-z0-9])0[xX][0-9a-fA-F]+/g, '$1').replace(/\+ \d+/g, '')
    .replace(/(^|[^A-Za-z0-9])line \d+/g, '$1');
  return s.replace(/\s+/g, ' ').trim().replace(/, ,/g, ',').replace(/ ,/g, ',');
}

const V8 = /^at (?:async )?(?:new )?(?:(.+?) \((.+?)(?::(\d+))?(?::(\d+))?\)|(.+?)(?::(\d+))(?::(\d+))?)$/;
const GECKO = /^(.*?)@(.+?):(\d+)(?::(\d+))?$/;
const JVM = /^at ([\w$.\/<>\-]+?)\.([\w$<>\-]+)\((.*)\)$/;
const APPLE_FRAME = /^(\d+)\s+(\S+)\s+(0x[0-9a-fA-F]+)\s+(.+?)(?:\s+\+\s+(\d+))?$/;
const PYTHON = /^File "(.+?)", line (\d+)(?:, in (.+))?$/;
const RUBY = /^(.+?):(\d+):in [`'](.+)'$/;

function base(file) {
  return file ? file.replace(/^.*?:\/\/[^/]*/, '').replace(/\?.*$/, '') : file;
}

// One line of a stack: a frame {fn, file, line, col, raw} or null when the line is not a frame.
export function parseFrame(text) {
  const raw = text.trim();
  let m;
  if ((m = JVM.exec(raw))) {
    const [, cls, method, where] = m;
    const [file, line] = where.split(':');
    return { fn: `${cls.replace(/^[\w.]+\//, '')}.${method}`, file: file || null, line: line || null, raw };
  }
  if ((m = V8.exec(raw))) {
    if (m[2] !== undefined) return { fn: m[1], file: base(m[2]), line: m[3], col: m[4], raw };
    return { fn: null, file: base(m[5]), line: m[6], col: m[7], raw };
  }
  if ((m = APPLE_FRAME.exec(raw))) return { fn: m[4], file: m[2], module: m[2], raw };
  if ((m = PYTHON.exec(raw))) return { fn: m[3] || null, file: m[1], line: m[2], raw };
  if ((m = RUBY.exec(raw))) return { fn: m[3], file: m[1], line: m[2], raw };
  if ((m = GECKO.exec(raw))) {
    return { fn: m[1] || null, file: base(m[2]), line: m[3], col: m[4], raw };
  }
  return null;
}

// The function and file of a frame as the list of issues shows it ("checkout · src/cart.ts").
// Reads the cleaned frame the server grouped by, which has no line numbers, addresses or frame index.
export function frameSummary(frame) {
  const f = parseFrame(frame);
  if (f) return { fn: f.fn || '(anonymous)', file: f.file || null };
  let m;
  if ((m = /^File "(.+?)",? in (.+)$/.exec(frame))) return { fn: m[2], file: m[1] }; // Python
  if ((m = /^(.+?):in [`'](.+)'$/.exec(frame))) return { fn: m[2], file: m[1] }; // Ruby
  if ((m = /^(.*?)@(.+)$/.exec(frame))) return { fn: m[1] || '(anonymous)', file: base(m[2]) }; // Firefox, Safari
  if ((m = /^(\S+)\s+(.+)$/.exec(frame)) && !frame.startsWith('at ')) return { fn: m[2], file: m[1] }; // Apple: module symbol
  return { fn: frame, file: null };
}

// Frames and other lines (exception headers, "Caused by:", "... 12 more", Python's source lines).
export function parseStack(stack, mapped) {
  const byRaw = new Map((mapped || []).filter((d) => d.original_file).map((d) => [d.raw_frame.trim(), d]));
  const items = [];
  for (const line of (stack || '').split('\n')) {
    if (!line.trim()) continue;
    const frame = parseFrame(line);
    if (!frame) {
      items.push({ kind: 'text', text: line.trim() });
      continue;
    }
    const m = byRaw.get(line.trim());
    if (m) {
      Object.assign(frame, { mapped: true, fn: m.original_function || frame.fn, original: m.original_function,
        file: m.original_file, line: m.original_line, col: m.original_column });
    }
    items.push({ kind: 'frame', ...frame });
  }
  return items;
}

// Marks each frame in-app or library, and the grouping frame. Above the grouping frame everything
// is library code (that is how the server chose it); below it, the marker lists decide.
export function classify(items, groupingFrame) {
  const frames = items.filter((i) => i.kind === 'frame');
  // A mapped frame is grouped by its original position, written as the server writes it.
  const key = (f) => (f.mapped ? clean(`at ${f.original || '<anonymous function>'} (${f.file}:${f.line}:${f.col})`) : clean(f.raw));
  const grouping = groupingFrame ? frames.find((f) => key(f) === groupingFrame || clean(f.raw) === groupingFrame) : null;
  let above = Boolean(grouping);
  for (const f of frames) {
    if (f === grouping) {
      f.grouping = true;
      f.inApp = true;
      above = false;
    } else {
      f.inApp = !above && !isLibrary(f.raw) && !(f.mapped && isLibrary(f.file || ''));
    }
  }
  return items;
}

function Frame({ f }) {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}${f.col ? `:${f.col}` : ''}` : '';
  return html`<li class=${`frame ${f.inApp ? 'app' : 'lib'}${f.grouping ? ' grouping' : ''}`} title=${f.raw}>
    <code class="fn">${f.fn || '(anonymous)'}</code>${where ? html` <span class="where">${where}</span>` : null}
    ${f.grouping ? html` <span class="tag" title="The issue is grouped by this frame">grouping frame</span>` : null}
    ${f.mapped ? html`<div class="raw muted small">${f.raw}</div>` : null}</li>`;
}

function Folded({ frames }) {
  const [open, setOpen] = useState(false);
  return html`<li class="folded"><button type="button" class="link" aria-expanded=${open} onClick=${() => setOpen(!open)}>
      ${open ? 'Hide' : 'Show'} ${frames.length} library ${frames.length === 1 ? 'frame' : 'frames'}</button>
    <ol class="frames lib" hidden=${!open}>${frames.map((f) => html`<${Frame} f=${f} />`)}</ol></li>`;
}

export function Stack({ stack, mapped, groupingFrame }) {
  if (!stack) return html`<p class="muted">No stack trace.</p>`;
  const items = classify(parseStack(stack, mapped), groupingFrame);
  if (!items.some((i) => i.kind === 'frame')) return html`<pre class="stack">${stack}</pre>`;
  const out = [];
  let run = [];
  const flush = () => {
    if (run.length) out.push(html`<${Folded} frames=${run} />`);
    run = [];
  };
  for (const i of items) {
    if (i.kind === 'frame' && !i.inApp) {
      run.push(i);
      continue;
    }
    flush();
    out.push(i.kind === 'frame' ? html`<${Frame} f=${i} />` : html`<li class="line">${i.text}</li>`);
  }
  flush();
  return html`<ol class="frames">${out}</ol>`;
}
