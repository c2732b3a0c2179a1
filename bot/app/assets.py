"""What both pages load besides their HTML: the theme, the CSS and the browser-side script.

The CSS is sized in rem (the browser's font setting applies), keeps contrast at WCAG AA in
light, dark (which follows the system) and high contrast, shows a thick focus ring, gives the
main actions 44 px (2.75 rem) targets and lets everything reflow down to 320 CSS px.
The script keeps the comfort settings (text size in three steps, high contrast) in
localStorage only, reads replies aloud with the browser's own speech synthesis (nothing leaves
the machine), announces each new reply in a live region and scrolls its start into view.
Not here: the HTML (bot.app.render), the pages (bot.app.chat, bot.app.staff).
"""

from __future__ import annotations

import gradio as gr

# System fonts only: nothing is fetched from a font service.
THEME = gr.themes.Default(
    primary_hue=gr.themes.colors.blue,
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial",
          "sans-serif"],
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
    text_size=gr.themes.Size(xxs="0.75rem", xs="0.8125rem", sm="0.9375rem", md="1rem",
                             lg="1.125rem", xl="1.375rem", xxl="1.75rem"),
    spacing_size=gr.themes.Size(xxs="0.0625rem", xs="0.125rem", sm="0.25rem", md="0.375rem",
                                lg="0.5rem", xl="0.75rem", xxl="1rem"),
    radius_size=gr.themes.Size(xxs="0.0625rem", xs="0.125rem", sm="0.25rem", md="0.375rem",
                               lg="0.5rem", xl="0.75rem", xxl="1rem"),
).set(
    button_primary_background_fill="#1d4ed8",
    button_primary_background_fill_hover="#1e40af",
    button_primary_text_color="#ffffff",
    button_primary_background_fill_dark="#93c5fd",
    button_primary_background_fill_hover_dark="#bfdbfe",
    button_primary_text_color_dark="#0b1120",
    body_text_color_subdued="#404040",
    body_text_color_subdued_dark="#d4d4d4",
    input_placeholder_color="#595959",
    input_placeholder_color_dark="#c4c4c4",
)

CSS = """
:root, .gradio-container {
  --ms-text: #1a1a1a; --ms-bg: #ffffff; --ms-soft: #f3f4f6; --ms-border: #6b7280;
  --ms-accent: #1d4ed8; --ms-focus: #1d4ed8; --ms-answer-bg: #eef3ff;
  --ms-alert-bg: #fdecec; --ms-alert-text: #5c0f0f; --ms-alert-border: #b42318;
  --ms-mark-bg: #ffe58a; --ms-mark-text: #1a1a1a; --ms-muted: #404040;
}
.dark, .dark .gradio-container {
  --ms-text: #f5f5f5; --ms-bg: #0b0f19; --ms-soft: #1f2937; --ms-border: #9ca3af;
  --ms-accent: #93c5fd; --ms-focus: #fcd34d; --ms-answer-bg: #172554;
  --ms-alert-bg: #450a0a; --ms-alert-text: #fee2e2; --ms-alert-border: #f87171;
  --ms-mark-bg: #fde68a; --ms-mark-text: #111111; --ms-muted: #d4d4d4;
}
html[data-contrast="high"] :is(:root, .gradio-container) {
  --ms-text: #000000; --ms-bg: #ffffff; --ms-soft: #ffffff; --ms-border: #000000;
  --ms-accent: #00006b; --ms-focus: #000000; --ms-answer-bg: #ffffff; --ms-muted: #000000;
  --ms-alert-bg: #ffffff; --ms-alert-text: #000000; --ms-alert-border: #000000;
  --body-text-color: #000000; --body-text-color-subdued: #000000;
  --background-fill-primary: #ffffff; --background-fill-secondary: #ffffff;
  --border-color-primary: #000000; --input-border-color: #000000;
}
html[data-contrast="high"] .dark, html[data-contrast="high"] .dark .gradio-container {
  --ms-text: #ffffff; --ms-bg: #000000; --ms-soft: #000000; --ms-border: #ffffff;
  --ms-accent: #ffff00; --ms-focus: #ffff00; --ms-answer-bg: #000000; --ms-muted: #ffffff;
  --ms-alert-bg: #000000; --ms-alert-text: #ffffff; --ms-alert-border: #ffffff;
  --body-text-color: #ffffff; --body-text-color-subdued: #ffffff;
  --background-fill-primary: #000000; --background-fill-secondary: #000000;
  --border-color-primary: #ffffff; --input-border-color: #ffffff;
}
html[data-text-size="1"] { font-size: 125%; }
html[data-text-size="2"] { font-size: 150%; }
.gradio-container { max-width: 60rem !important; margin: 0 auto !important; min-width: 0 !important;
  padding: 0.5rem !important; }
.gradio-container, .gradio-container * { overflow-wrap: anywhere; }
.gradio-container .main { padding-left: 0.5rem !important; padding-right: 0.5rem !important; }
.gradio-container .html-container { padding-left: 0.25rem !important;
  padding-right: 0.25rem !important; }
@media (max-width: 30rem) { .reply, .article-view, .flag { padding: 0.625rem 0.625rem; } }
.gradio-container .row { flex-wrap: wrap; gap: 0.5rem; }
.gradio-container .row > * { min-width: min(100%, 10rem) !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.ms-page { color: var(--ms-text); font-size: 1rem; line-height: 1.55; }
.ms-page h1 { font-size: 1.625rem; margin: 0.25rem 0 0.5rem; line-height: 1.25; }
.ms-page h2 { font-size: 1.25rem; margin: 0.75rem 0 0.5rem; }
.ms-page h3 { font-size: 1.125rem; margin: 0 0 0.5rem; }
.ms-page h4 { font-size: 1rem; margin: 0.5rem 0 0.25rem; }
.ms-page p { margin: 0 0 0.5rem; }
.ms-page a { color: var(--ms-accent); text-decoration: underline; }
.intro { font-size: 1.0625rem; }
.comfort { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem;
  margin: 0.5rem 0; }
.comfort .label { font-weight: 600; margin-right: 0.25rem; }
.ms-page button, .ms-button, .gradio-container button.lg, .gradio-container button.md {
  min-height: 2.75rem; min-width: 2.75rem; }
.ms-page button { font: inherit; font-size: 1rem; color: var(--ms-text);
  background: var(--ms-bg); border: 0.125rem solid var(--ms-border); border-radius: 0.5rem;
  padding: 0.375rem 0.875rem; cursor: pointer; transition: none; }
.ms-page button[aria-pressed="true"] { background: var(--ms-accent); color: var(--ms-bg);
  border-color: var(--ms-accent); }
.gradio-container :focus-visible, .ms-page :focus-visible {
  outline: 0.1875rem solid var(--ms-focus) !important; outline-offset: 0.125rem !important; }
#message textarea:focus { outline: 0.1875rem solid var(--ms-focus) !important;
  outline-offset: 0.125rem; }
#message textarea { font-size: 1.0625rem !important; line-height: 1.5; }
.gradio-container button { font-size: 1rem !important; }
.escalation-banner { display: flex; gap: 0.75rem; align-items: flex-start;
  background: var(--ms-alert-bg); color: var(--ms-alert-text);
  border: 0.125rem solid var(--ms-alert-border); border-left-width: 0.625rem;
  border-radius: 0.5rem; padding: 0.75rem 1rem; font-size: 1.0625rem; line-height: 1.5; }
.escalation-banner p, .reply-escalation p { margin: 0 0 0.375rem; }
.escalation-banner strong, .reply-escalation strong { color: inherit; }
.escalation-icon { font-size: 1.5rem; line-height: 1; }
.conversation-empty { color: var(--ms-muted); }
.turns { list-style: none; padding: 0; margin: 0; }
.turn { margin: 0 0 1.25rem; }
.asked { background: var(--ms-soft); border-radius: 0.5rem; padding: 0.5rem 0.75rem;
  margin: 0 0 0.5rem; }
.asked .who { font-weight: 600; margin: 0; }
.asked-text { white-space: pre-wrap; margin: 0; }
.reply { border: 0.0625rem solid var(--ms-border); border-radius: 0.5rem;
  padding: 0.75rem 1rem; }
.reply-head { scroll-margin-top: 0.5rem; }
.reply-escalation { background: var(--ms-alert-bg); color: var(--ms-alert-text);
  border-left: 0.5rem solid var(--ms-alert-border); padding: 0.5rem 0.75rem;
  margin: 0 0 0.75rem; border-radius: 0.25rem; }
.quote-block { margin: 0 0 0.75rem; }
blockquote.answer-quote { font-size: 1.1875rem; line-height: 1.6; margin: 0;
  padding: 0.625rem 0.875rem; background: var(--ms-answer-bg);
  border-left: 0.375rem solid var(--ms-accent); border-radius: 0.25rem; }
blockquote.more-quote { font-size: 1.0625rem; margin: 0; padding: 0.25rem 0.75rem;
  border-left: 0.25rem solid var(--ms-border); }
figcaption { margin-top: 0.375rem; display: flex; flex-wrap: wrap; gap: 0.5rem;
  align-items: center; }
figcaption .source { margin: 0; }
cite { font-style: italic; }
details.more { margin: 0 0 0.75rem; }
details.more > summary { cursor: pointer; font-weight: 600; padding: 0.625rem 0;
  min-height: 2.75rem; box-sizing: border-box; }
.message ul, .safety-net ul { margin: 0.25rem 0 0.5rem 1.25rem; }
.disclaimer { font-style: italic; border-top: 0.0625rem solid var(--ms-border);
  padding-top: 0.5rem; margin-top: 0.5rem; }
mark.quote { background: var(--ms-mark-bg); color: var(--ms-mark-text); padding: 0 0.125rem;
  border-radius: 0.1875rem; }
.article-view { border: 0.125rem solid var(--ms-border); border-radius: 0.5rem;
  padding: 0.75rem 1rem; margin: 0.5rem 0; }
.article-body { white-space: pre-wrap; font-size: 1.0625rem; line-height: 1.6; }
.article-hint, .flag-key, .flags-count { color: var(--ms-muted); }
.examples-list { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.privacy { color: var(--ms-muted); font-size: 0.9375rem; }
.flag { border: 0.0625rem solid var(--ms-border); border-radius: 0.5rem; padding: 0.75rem 1rem;
  margin: 0 0 0.75rem; }
.flag dt { font-weight: 600; }
.flag-quote > p { display: block !important; margin: 0 0 0.25rem; }
.flag dd { margin: 0 0 0.375rem 0; white-space: pre-wrap; }
.flag .state { font-size: 0.9375rem; font-weight: 600; margin-left: 0.5rem; }
.flag-reply { white-space: pre-wrap; font-size: 0.9375rem; }
.flag-problems { border: 0.125rem solid var(--ms-alert-border); background: var(--ms-alert-bg);
  color: var(--ms-alert-text); border-radius: 0.5rem; padding: 0.5rem 0.75rem; }
footer, footer a, footer button { color: var(--ms-text) !important; }
"""

# Comfort settings, Read aloud, closing the article view: one delegated click handler, so it
# works on HTML that Gradio re-renders. `msAfterReply` runs after each change of the chat.
HEAD = """
<script>
(() => {
  const KEY = 'ms-comfort';
  const load = () => { try { return JSON.parse(localStorage.getItem(KEY)) || {}; }
                       catch (e) { return {}; } };
  const save = (s) => { try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) {} };
  const sync = () => {
    const s = load(), root = document.documentElement, size = Number(s.size) || 0;
    root.dataset.textSize = String(size);
    root.dataset.contrast = s.contrast ? 'high' : 'normal';
    document.querySelectorAll('[data-size-step]').forEach((b) =>
      b.setAttribute('aria-pressed', String(Number(b.dataset.sizeStep) === size)));
    document.querySelectorAll('[data-contrast-toggle]').forEach((b) =>
      b.setAttribute('aria-pressed', String(!!s.contrast)));
    if (!('speechSynthesis' in window)) root.classList.add('no-speech');
  };
  sync();
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; sync(); });
  }).observe(document.documentElement, {childList: true, subtree: true});
  const speakable = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('button').forEach((b) => b.remove());
    return copy.innerText || copy.textContent || '';
  };
  let reading = null;
  const stopReading = () => {
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    if (reading) reading.textContent = 'Read aloud';
    reading = null;
  };
  document.addEventListener('click', (event) => {
    const t = event.target;
    const size = t.closest('[data-size-step]');
    if (size) { const s = load(); s.size = Number(size.dataset.sizeStep); save(s); sync(); return; }
    const contrast = t.closest('[data-contrast-toggle]');
    if (contrast) { const s = load(); s.contrast = !s.contrast; save(s); sync(); return; }
    const read = t.closest('button.read-aloud');
    if (read) {
      if (reading === read) { stopReading(); return; }
      stopReading();
      const target = document.getElementById(read.dataset.read);
      if (!target || !window.speechSynthesis) return;
      const utterance = new SpeechSynthesisUtterance(speakable(target));
      utterance.onend = () => { if (reading === read) stopReading(); };
      reading = read;
      read.textContent = 'Stop reading';
      window.speechSynthesis.speak(utterance);
      return;
    }
    const open = t.closest('button.source-open');
    if (open) { window.msOpener = open.id || null; window.msOpenerEl = open; return; }
    const close = t.closest('button.article-close');
    if (close) {
      const view = close.closest('.article-view');
      if (view) view.hidden = true;
      if (window.msOpenerEl && document.contains(window.msOpenerEl)) window.msOpenerEl.focus();
    }
  });
  window.msAfterReply = () => {
    const replies = document.querySelectorAll('#conversation article.reply');
    const last = replies[replies.length - 1];
    if (!last) return;
    const head = last.querySelector('.reply-head');
    if (head) head.scrollIntoView({block: 'start'});
    const live = document.getElementById('ms-live');
    if (live) live.textContent = speakable(last);
  };
})();
</script>
"""

# Gradio runs js_on_load with `element` (the component) and `trigger`/`watch` in scope.
CITE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-cite]');
  if (button) trigger('click', {cite: Number(button.dataset.cite),
                                turn: Number(button.dataset.turn)});
});
"""
ARTICLE_JS = """
watch('value', () => {
  const head = element.querySelector('#article-h');
  const mark = element.querySelector('#article-quote');
  if (head) head.focus({preventScroll: true});
  if (mark) mark.scrollIntoView({block: 'center'});
});
"""
AFTER_REPLY_JS = "() => { setTimeout(() => window.msAfterReply && window.msAfterReply(), 60); }"
