import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopToReveal } from './rowWindow';

describe('rowWindow', () => {
  it('renders the rows in view plus the overscan either side', () => {
    // 28-px rows, a 280-px viewport scrolled to row 100: rows 100..109 are in view.
    expect(rowWindow(100 * 28, 280, 28, 3000, 5)).toEqual({ first: 95, end: 115 });
  });

  it('counts a partly visible row at either edge', () => {
    expect(rowWindow(100 * 28 + 14, 280, 28, 3000, 0)).toEqual({ first: 100, end: 111 });
  });

  it('clamps to the list at the top and the bottom', () => {
    expect(rowWindow(0, 280, 28, 3000, 5)).toEqual({ first: 0, end: 15 });
    expect(rowWindow(2995 * 28, 280, 28, 3000, 5)).toEqual({ first: 2990, end: 3000 });
  });

  it('renders nothing for an empty list and survives a list that shrank under the scroll position', () => {
    expect(rowWindow(0, 280, 28, 0, 5)).toEqual({ first: 0, end: 0 });
    expect(rowWindow(5000 * 28, 280, 28, 10, 5)).toEqual({ first: 10, end: 10 });
  });

  it('renders the overscan before the viewport is measured', () => {
    expect(rowWindow(0, 0, 28, 3000, 12)).toEqual({ first: 0, end: 12 });
  });
});

describe('scrollTopToReveal', () => {
  // 28-px rows under a 30-px sticky header, a 310-px viewport: rows 0..9 fit below the header.
  const reveal = (index: number, scrollTop: number) => scrollTopToReveal(index, scrollTop, 310, 28, 30);

  it('leaves a row that is already in view where it is', () => {
    expect(reveal(0, 0)).toBeNull();
    expect(reveal(9, 0)).toBeNull();
  });

  it('scrolls down just far enough to show a row below the view', () => {
    // Row 10 ends at 30 + 11 × 28 = 338 px: scrollTop 28 puts its bottom at the viewport's.
    expect(reveal(10, 0)).toBe(28);
  });

  it('scrolls up to put a row above the view right under the header', () => {
    expect(reveal(3, 500)).toBe(84);
  });
});
