/** spec/config.ts and spec/era.ts */
import { describe, expect, test } from 'vitest';
import { CONFIG_ERAS, CONFIG_NAMES, ConfigError, DEFAULT_CONFIG, configExists, configFor, configName, configNamesIn, describeConfig, parseConfig } from '../src/spec/config.js';
import { compileVariant } from '../src/compile/variant.js';
import { VARIANTS } from '../../arch-x86/src/index.js';
import { VARIANTS as PPC_VARIANTS } from '../../arch-powerpc/src/index.js';
import { ERAS, isEra, normalizeEra } from '../src/spec/era.js';

const VALID = 'CONFIG_NONLINEAR, CONFIG_MIGRATION, CONFIG_MEMORY_FAILURE, CONFIG_DEVICE_PRIVATE, CONFIG_X86_NX';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
}

describe('configName', () => {
  test('accepts the bare and the CONFIG_ name, any case for the bare one', () => {
    expect(configName('NONLINEAR')).toBe('NONLINEAR');
    expect(configName('CONFIG_NONLINEAR')).toBe('NONLINEAR');
    expect(configName('migration')).toBe('MIGRATION');
    expect(configName('CONFIG_x86_nx')).toBe('X86_NX');
    for (const name of CONFIG_NAMES) expect(configName(`CONFIG_${name}`)).toBe(name);
  });

  test('an unknown name is refused, naming it and listing the valid ones', () => {
    const e = errorOf(() => configName('CONFIG_SWAP'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.name).toBe('ConfigError');
    expect(e.message).toBe(`unknown config option 'CONFIG_SWAP' (valid: ${VALID})`);
    expect(errorOf(() => configName('')).message).toContain("''");
    expect(errorOf(() => configName('NONLINEAR ')).message).toContain("'NONLINEAR '");
  });
});

describe('parseConfig', () => {
  test('no pairs gives the defaults, which are all y', () => {
    expect(parseConfig([])).toEqual(DEFAULT_CONFIG);
    expect(Object.values(DEFAULT_CONFIG).every((v) => v === true)).toBe(true);
  });

  test('NAME=y|n onto the defaults, later pairs win', () => {
    expect(parseConfig(['CONFIG_NONLINEAR=n'])).toEqual({ ...DEFAULT_CONFIG, NONLINEAR: false });
    expect(parseConfig(['MIGRATION=n', 'DEVICE_PRIVATE=n'])).toEqual({ ...DEFAULT_CONFIG, MIGRATION: false, DEVICE_PRIVATE: false });
    expect(parseConfig(['X86_NX=n', 'X86_NX=y'])).toEqual(DEFAULT_CONFIG);
    expect(parseConfig([' MEMORY_FAILURE=n '])).toEqual({ ...DEFAULT_CONFIG, MEMORY_FAILURE: false });
  });

  test('a base other than the defaults, left unmodified', () => {
    const base = { ...DEFAULT_CONFIG, NONLINEAR: false };
    const out = parseConfig(['NONLINEAR=y', 'MIGRATION=n'], base);
    expect(out).toEqual({ ...DEFAULT_CONFIG, MIGRATION: false });
    expect(base.NONLINEAR).toBe(false);
    expect(base.MIGRATION).toBe(true);
    expect(DEFAULT_CONFIG.MIGRATION).toBe(true);
  });

  for (const bad of ['NONLINEAR', 'NONLINEAR=', 'NONLINEAR=yes', 'NONLINEAR=1', 'NONLINEAR=N', '=y', 'NON-LINEAR=y', 'NONLINEAR=y,MIGRATION=n']) {
    test(`malformed ${JSON.stringify(bad)} is refused, naming the pair`, () => {
      const e = errorOf(() => parseConfig([bad]));
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toBe(`config '${bad}' is not NAME=y or NAME=n (for example CONFIG_NONLINEAR=n)`);
    });
  }

  test('an unknown option in a pair is refused, naming it and listing the valid ones', () => {
    const e = errorOf(() => parseConfig(['MIGRATION=n', 'CONFIG_HIGHMEM=y']));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain("'CONFIG_HIGHMEM'");
    expect(e.message).toContain(`valid: ${VALID}`);
  });
});

describe('describeConfig', () => {
  test('only the options that differ and exist in the era', () => {
    expect(describeConfig('2.6.21', DEFAULT_CONFIG)).toBe('');
    expect(describeConfig('6.18', DEFAULT_CONFIG)).toBe('');
    const off = { NONLINEAR: false, MIGRATION: false, MEMORY_FAILURE: false, DEVICE_PRIVATE: false, X86_NX: false };
    expect(describeConfig('2.6.21', off)).toBe('CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n,CONFIG_X86_NX=n');
    expect(describeConfig('6.18', off)).toBe('CONFIG_MIGRATION=n,CONFIG_MEMORY_FAILURE=n,CONFIG_DEVICE_PRIVATE=n,CONFIG_X86_NX=n');
    expect(describeConfig('6.18', { ...DEFAULT_CONFIG, NONLINEAR: false })).toBe('');
  });

  test('every option is listed in CONFIG_ERAS with real eras', () => {
    for (const name of CONFIG_NAMES) {
      expect(CONFIG_ERAS[name].length).toBeGreaterThan(0);
      for (const era of CONFIG_ERAS[name]) expect(isEra(era)).toBe(true);
    }
  });
});

describe('era', () => {
  test('ERAS, isEra, normalizeEra', () => {
    expect(ERAS).toEqual(['2.6.21', '6.18']);
    expect(isEra('6.18')).toBe(true);
    expect(isEra('2.6.20')).toBe(false);
    expect(normalizeEra('2.6.20')).toBe('2.6.21');
    expect(normalizeEra('2.6.21')).toBe('2.6.21');
    expect(normalizeEra('6.18')).toBe('6.18');
    expect(normalizeEra('6.19')).toBeUndefined();
  });
});

test('the CONFIG_ prefix is accepted in any case', () => {
  expect(configName('config_nonlinear')).toBe('NONLINEAR');
});

describe('which options exist on which variant (issue 9)', () => {
  const ALL = [...VARIANTS, ...PPC_VARIANTS];
  const where = (name: (typeof CONFIG_NAMES)[number]) =>
    ALL.filter((s) => configExists(name, s))
      .map((s) => `${s.id}@${s.era}`)
      .sort();

  test('from the eras and the spec data each option acts on, never an arch name', () => {
    expect(where('NONLINEAR')).toEqual(['i386-pae@2.6.21', 'i386@2.6.21', 'ppc32@2.6.21', 'ppc64-64k@2.6.21', 'ppc64@2.6.21', 'x86_64@2.6.21']);
    expect(where('X86_NX')).toEqual(['i386-pae@2.6.21', 'i386-pae@6.18', 'x86_64@2.6.21', 'x86_64@6.18']);
    expect(where('MEMORY_FAILURE')).toEqual(ALL.filter((s) => s.era === '6.18').map((s) => `${s.id}@${s.era}`).sort());
    expect(where('MIGRATION')).toHaveLength(ALL.length);
  });

  test('an option that does not exist on a variant changes nothing there: configFor resets it, so the key names only what applies', () => {
    const off = { ...DEFAULT_CONFIG, X86_NX: false, NONLINEAR: false };
    for (const s of ALL) {
      const seen = configFor(s, off);
      for (const name of CONFIG_NAMES) expect(seen[name]).toBe(configExists(name, s) ? off[name] : DEFAULT_CONFIG[name]);
      // and compiling with the option where it does not exist gives the very same encodings
      const a = compileVariant(s, off);
      const b = compileVariant(s, seen);
      expect(a.fastSource).toBe(b.fastSource);
      expect(a.constants).toEqual(b.constants);
    }
    expect(configFor(VARIANTS[0]!, DEFAULT_CONFIG)).toBe(DEFAULT_CONFIG);
  });

  test('configNamesIn: every option named, also one set to its default', () => {
    expect(configNamesIn(['X86_NX=n', 'CONFIG_NONLINEAR=y', 'x86_nx=y'])).toEqual(['NONLINEAR', 'X86_NX']);
    expect(() => configNamesIn(['X'.repeat(300)])).toThrow(ConfigError);
    expect(errorOf(() => configNamesIn(['X'.repeat(300)])).message).toBe(`config '${'X'.repeat(39)}…' is not NAME=y or NAME=n (for example CONFIG_NONLINEAR=n)`);
  });
});
