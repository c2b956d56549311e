// Progressive enhancement: a Copy button beside each value marked data-copy-from; without JavaScript the
// value stays selectable text and the buttons stay hidden.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll('button[data-copy-from]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copyFrom);
      if (!source) return;
      await navigator.clipboard.writeText(source.textContent.trim());
      const note = document.getElementById(`${button.dataset.copyFrom}-copied`);
      if (note) {
        note.hidden = false;
        setTimeout(() => { note.hidden = true; }, 2000);
      }
    });
  }
});
