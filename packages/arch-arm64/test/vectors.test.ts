/**
 * Golden tests: the arm64 reference-vector files bundled with
 * @mmsim/conformance, through both the kernel-faithful and the fast layer.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { bundledVectorFiles, checkVectorFile, parseVectorFile, variantForVectors } from '@mmsim/conformance';
import { describe, expect, test } from 'vitest';
import { arm64 } from '../src/index.js';

const files = bundledVectorFiles().filter((path) => /arm64/.test(basename(path)));

describe('arm64 reference vectors', () => {
  test('the arm64 file is bundled', () => {
    expect(files.map((f) => basename(f))).toEqual(['v6.18-arm64-4k.json']);
  });
  for (const path of files) {
    test(basename(path), () => {
      const file = parseVectorFile(readFileSync(path, 'utf8'), path);
      const report = checkVectorFile(variantForVectors(file, [arm64]), file, basename(path));
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(file.vectors.length + 1);
    });
  }
});
