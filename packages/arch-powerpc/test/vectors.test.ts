/**
 * Golden tests: every powerpc reference-vector file, through both the
 * kernel-faithful layer and the u32-pair fast layer.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { bundledVectorFiles, checkVectorFile, parseVectorFile, variantForVectors } from '@mmsim/conformance';
import { describe, expect, test } from 'vitest';
import { powerpc } from '../src/index.js';

const files = bundledVectorFiles().filter((path) => /ppc/.test(basename(path)));

describe('powerpc reference vectors', () => {
  test('all six powerpc files are bundled', () => {
    expect(files.map((f) => basename(f))).toHaveLength(6);
  });
  for (const path of files) {
    test(basename(path), () => {
      const file = parseVectorFile(readFileSync(path, 'utf8'), path);
      const report = checkVectorFile(variantForVectors(file, [powerpc]), file, basename(path));
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(file.vectors.length + 1);
    });
  }
});
