// Progressive enhancement of Create New Application: the existing-client fields show only for a strategy that
// takes one. Without JavaScript they stay visible, and the server says which strategy needs them.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const select = document.getElementById('field-auth_strategy_id');
  const fieldset = document.getElementById('self-managed-client');
  if (!select || !fieldset) return;
  const update = () => {
    const selfManaged = select.selectedOptions[0]?.hasAttribute('data-self-managed') ?? false;
    fieldset.hidden = !selfManaged;
    for (const input of fieldset.querySelectorAll('input')) input.disabled = !selfManaged;
  };
  select.addEventListener('change', update);
  update();
});
