/**
 * A person with a keyboard and no mouse: Tab (or Shift+Tab) until the control they want has the focus, then
 * type, Enter or Space. Every control the focus passes through must show it: its computed outline or box-shadow
 * while focused differs from the same control's when the focus has left it, and is not "none".
 */
import type { ElementHandle, Locator, Page } from 'playwright-core';

interface Indicator {
  outline: string;
  boxShadow: string;
}

/** The little of the DOM the page code below uses (the tests compile without the DOM's types). */
interface PageElement {
  ownerDocument: { defaultView: { getComputedStyle(element: PageElement): Record<'outlineStyle' | 'outlineWidth' | 'outlineColor' | 'boxShadow', string> } };
}

/** The parts of an element's computed style that can draw a focus indicator (runs in the page). */
function indicator(element: PageElement): Indicator {
  const style = element.ownerDocument.defaultView.getComputedStyle(element);
  const drawn = style.outlineStyle !== 'none' && style.outlineWidth !== '0px';
  return { outline: drawn ? [style.outlineStyle, style.outlineWidth, style.outlineColor].join(' ') : 'none', boxShadow: style.boxShadow };
}

const shows = (focused: Indicator, unfocused: Indicator) =>
  (focused.outline !== 'none' || focused.boxShadow !== 'none') &&
  (focused.outline !== unfocused.outline || focused.boxShadow !== unfocused.boxShadow);

const indicatorOf = (element: ElementHandle) => element.evaluate(indicator);

export interface Keyboard {
  /** Presses Tab (Shift+Tab when `backwards`) until an element of `target` has the focus; fails after 60 presses. */
  tabTo(target: Locator, options?: { backwards?: boolean }): Promise<void>;
  /** Tabs to the field and types into it. */
  typeInto(target: Locator, text: string): Promise<void>;
  /** Presses `key` on the focused control and waits for the page it leads to. */
  follow(key: 'Enter' | ' '): Promise<void>;
  /** Describes each control whose focus did not show (empty when every one did). */
  unseenFocus(): string[];
}

export function keyboardOf(page: Page): Keyboard {
  const unseen: string[] = [];
  /** The control focused last and how it looked focused: checked against itself unfocused when the focus moves on. */
  let last: { element: ElementHandle; focused: Indicator; name: string } | undefined;

  const describe = (element: ElementHandle) =>
    element.evaluate((e) => `<${e.tagName.toLowerCase()}> "${(e.textContent ?? '').trim().slice(0, 40) || e.id}"`);

  async function settleLast(): Promise<void> {
    if (!last) return;
    const { element, focused, name } = last;
    last = undefined;
    // A control gone with its page cannot be looked at unfocused any more.
    const unfocused = await indicatorOf(element).catch(() => undefined);
    if (unfocused && !shows(focused, unfocused)) unseen.push(`${name}: focused ${JSON.stringify(focused)}, unfocused ${JSON.stringify(unfocused)}`);
    await element.dispose().catch(() => undefined);
  }

  return {
    async tabTo(target, { backwards = false } = {}) {
      // Each target's look before it has the focus: the control that is followed never loses the focus on its page.
      const before: Indicator[] = [];
      for (let index = 0; index < (await target.count()); index++) before.push(await target.nth(index).evaluate(indicator));
      for (let presses = 0; presses < 60; presses++) {
        await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
        await settleLast();
        const active = (await page.evaluateHandle('document.activeElement')) as ElementHandle;
        const focused = await indicatorOf(active);
        const index = await target.evaluateAll((elements, element) => elements.indexOf(element), active);
        if (index >= 0) {
          if (!shows(focused, before[index]!)) unseen.push(`${await describe(active)}: focused ${JSON.stringify(focused)}, unfocused ${JSON.stringify(before[index])}`);
          last = { element: active, focused, name: await describe(active) };
          return;
        }
        last = { element: active, focused, name: await describe(active) };
      }
      throw new Error(`the focus never reached ${target}`);
    },
    async typeInto(target, text) {
      await this.tabTo(target);
      await page.keyboard.type(text);
    },
    async follow(key) {
      const navigation = page.waitForNavigation({ waitUntil: 'load' });
      await page.keyboard.press(key);
      await navigation;
      // The followed control is gone with its page (already checked against its look before the focus).
      if (last) await last.element.dispose().catch(() => undefined);
      last = undefined;
    },
    unseenFocus: () => [...unseen],
  };
}
