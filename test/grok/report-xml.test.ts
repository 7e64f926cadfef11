import { describe, expect, it } from 'vitest';
import { wellFormednessProblems } from './report-xml.ts';

// the checker guards the renderer's tests, so it must itself reject what it is meant to catch
describe('the XML well-formedness checker', () => {
  it('accepts well-formed SVG and XHTML-style HTML', () => {
    expect(wellFormednessProblems('<?xml version="1.0"?>\n<svg a="1"><g><text>a &amp; b &lt; c</text></g><rect/></svg>\n')).toEqual([]);
    expect(wellFormednessProblems('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8" /></head><body><p>x &#39; y</p></body></html>')).toEqual([]);
  });

  it.each([
    ['an unclosed element', '<svg><g></svg>'],
    ['crossed nesting', '<a><b></a></b>'],
    ['a raw < in text', '<svg><text>a < b</text></svg>'],
    ['a bare &', '<svg><text>a & b</text></svg>'],
    ['a raw < in an attribute', '<svg><title x="a<b"/></svg>'],
    ['an unquoted attribute', '<svg width=3></svg>'],
    ['a duplicate attribute', '<svg a="1" a="2"></svg>'],
    ['two roots', '<svg></svg><svg></svg>'],
    ['text outside the root', '<svg></svg>stray'],
    ['a stray closing tag', '<svg></svg></g>'],
    ['no element at all', 'just text'],
  ])('rejects %s', (_, source) => {
    expect(wellFormednessProblems(source).length).toBeGreaterThan(0);
  });
});
