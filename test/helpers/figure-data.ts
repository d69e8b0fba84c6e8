/**
 * Realistic synthetic inputs for figure tests and the figure gallery
 * (scripts/figure-gallery.ts): the 41 HuffPost categories in the dataset's order of
 * first appearance, groups of look-alike categories, a block-structured confusion
 * matrix and a UMAP-like 2-D map with clusters that touch, a diffuse middle and
 * one far-away cluster. Seeded through lib/data/rng.
 */
import { makeRandom, type Random } from '../../lib/data/rng';

/** The 41 categories of HuffPost News Category v2, in order of first appearance (pandas factorize). */
export const HUFFPOST_CATEGORIES = [
  'CRIME',
  'ENTERTAINMENT',
  'WORLD NEWS',
  'IMPACT',
  'POLITICS',
  'WEIRD NEWS',
  'BLACK VOICES',
  'WOMEN',
  'COMEDY',
  'QUEER VOICES',
  'SPORTS',
  'BUSINESS',
  'TRAVEL',
  'MEDIA',
  'TECH',
  'RELIGION',
  'SCIENCE',
  'LATINO VOICES',
  'EDUCATION',
  'COLLEGE',
  'PARENTS',
  'ARTS & CULTURE',
  'STYLE',
  'GREEN',
  'TASTE',
  'HEALTHY LIVING',
  'THE WORLDPOST',
  'GOOD NEWS',
  'WORLDPOST',
  'FIFTY',
  'ARTS',
  'WELLNESS',
  'PARENTING',
  'HOME & LIVING',
  'STYLE & BEAUTY',
  'DIVORCE',
  'WEDDINGS',
  'FOOD & DRINK',
  'MONEY',
  'ENVIRONMENT',
  'CULTURE & ARTS',
] as const;

/** Look-alike groups: a model confuses categories within a group more than across. */
export const LOOK_ALIKE_GROUPS: readonly (readonly string[])[] = [
  ['WORLD NEWS', 'THE WORLDPOST', 'WORLDPOST'],
  ['ARTS', 'ARTS & CULTURE', 'CULTURE & ARTS'],
  ['ENTERTAINMENT', 'COMEDY', 'MEDIA'],
  ['PARENTS', 'PARENTING', 'WOMEN'],
  ['STYLE', 'STYLE & BEAUTY'],
  ['TASTE', 'FOOD & DRINK'],
  ['HEALTHY LIVING', 'WELLNESS', 'FIFTY'],
  ['GREEN', 'ENVIRONMENT', 'SCIENCE'],
  ['EDUCATION', 'COLLEGE'],
  ['BLACK VOICES', 'LATINO VOICES', 'QUEER VOICES'],
  ['POLITICS', 'CRIME', 'WEIRD NEWS', 'GOOD NEWS', 'IMPACT'],
  ['BUSINESS', 'MONEY', 'TECH'],
  ['HOME & LIVING', 'DIVORCE', 'WEDDINGS', 'TRAVEL'],
  ['SPORTS'],
  ['RELIGION'],
];

/** Group index of each category of HUFFPOST_CATEGORIES. */
export function groupOfCategory(): number[] {
  return HUFFPOST_CATEGORIES.map((c) => LOOK_ALIKE_GROUPS.findIndex((g) => g.includes(c)));
}

function gaussian(r: Random): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * A validation-set-like confusion (counts): `perClass` texts per category, 35–75 %
 * on the diagonal, most errors inside the look-alike group, a few anywhere.
 */
export function syntheticConfusion(seed = 1, perClass = 180): number[][] {
  const r = makeRandom(seed);
  const group = groupOfCategory();
  const n = HUFFPOST_CATEGORIES.length;
  return group.map((gi, i) => {
    const weights = group.map((gj, j) =>
      i === j ? 0 : gi === gj ? 2 + 6 * r() : r() < 0.3 ? 0.15 + 0.5 * r() : 0.02 * r(),
    );
    const total = weights.reduce((a, w) => a + w, 0);
    const correct = Math.round(perClass * (0.35 + 0.4 * r()));
    const row = weights.map((w) => Math.floor(((perClass - correct) * w) / total));
    row[i] = perClass - row.reduce((a, v) => a + v, 0);
    return row;
  });
}

/**
 * A UMAP-like map: `points` texts in 41 clusters (group members near each other, some
 * overlapping), 12 % of each category in a diffuse middle, and RELIGION far away.
 */
export function syntheticMap(seed = 2, points = 3000): { xy: [number, number][]; categories: string[] } {
  const r = makeRandom(seed);
  const group = groupOfCategory();
  const groupCentre = LOOK_ALIKE_GROUPS.map((_, g) => {
    const a = (2 * Math.PI * g) / LOOK_ALIKE_GROUPS.length;
    return [6 * Math.cos(a) + gaussian(r), 5 * Math.sin(a) + gaussian(r)];
  });
  const centre = HUFFPOST_CATEGORIES.map((c, i) =>
    c === 'RELIGION'
      ? [17, 11]
      : [groupCentre[group[i]][0] + 1.6 * gaussian(r), groupCentre[group[i]][1] + 1.6 * gaussian(r)],
  );
  const spread = HUFFPOST_CATEGORIES.map(() => 0.3 + 0.6 * r());
  const xy: [number, number][] = [];
  const categories: string[] = [];
  for (let k = 0; k < points; k++) {
    const i = k % HUFFPOST_CATEGORIES.length;
    const diffuse = r() < 0.12;
    const [cx, cy] = diffuse ? [0, 0] : centre[i];
    const s = diffuse ? 3 : spread[i];
    xy.push([cx + s * gaussian(r), cy + s * gaussian(r)]);
    categories.push(HUFFPOST_CATEGORIES[i]);
  }
  return { xy, categories };
}
