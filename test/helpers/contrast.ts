import type { Page } from 'playwright-core';

/** WCAG 2's relative luminance of an `rgb(r, g, b)` colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((value) => {
    const channel = Number(value) / 255;
    return channel <= 0.04045
      ? channel / 12.92
      : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2's contrast ratio of two colours (1 to 21). */
export function contrastRatio(foreground: string, background: string): number {
  const [light, dark] = [luminance(foreground), luminance(background)].sort(
    (a, b) => b - a,
  );
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The text colour of `selector` and the background it is drawn on: its own,
 * or its nearest ancestor's that is not transparent, or the canvas's.
 */
export async function textColors(
  page: Page,
  selector: string,
): Promise<{ foreground: string; background: string }> {
  // A string expression: this file is type-checked without the DOM library.
  return page.evaluate(`(() => {
    const element = document.querySelector(${JSON.stringify(selector)});
    const opaque = (color) => color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent';
    let background;
    for (let node = element; node && !background; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (opaque(color)) background = color;
    }
    if (!background) {
      const probe = document.createElement('div');
      probe.style.backgroundColor = 'Canvas';
      document.body.append(probe);
      background = getComputedStyle(probe).backgroundColor;
      probe.remove();
    }
    return { foreground: getComputedStyle(element).color, background };
  })()`);
}
