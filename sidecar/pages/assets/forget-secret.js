// A secret shown once leaves the page as the browser leaves it, so that Back or a restored tab cannot show it
// again from the page cache.
'use strict';
window.addEventListener('pagehide', () => {
  for (const element of document.querySelectorAll('[data-shown-once]')) element.remove();
});
