// The registry of checks, in the order the driver runs them. Each entry names the codes it can
// report; the golden tests use this list to make sure every code has a bad example.
import { SEM } from '../codes/semantic.js';

export interface CheckInfo {
  name: string;
  /** The file that reports its codes (test/compiler/checks.test.ts checks that it does). */
  module: string;
  codes: readonly string[];
}

export const CHECKS: readonly CheckInfo[] = [
  {
    name: 'imports',
    module: 'compiler/resolve.ts',
    codes: [SEM.importNotFound, SEM.importCycle, SEM.studyInImport, SEM.readNotAllowed, SEM.fileTooLarge],
  },
  {
    name: 'definitions',
    module: 'compiler/resolve.ts',
    codes: [SEM.duplicateDefinition, SEM.reservedName, SEM.duplicateSetting],
  },
  { name: 'studies', module: 'compiler/driver.ts', codes: [SEM.duplicateStudy] },
  { name: 'settings', module: 'compiler/lower.ts', codes: [SEM.unknownSetting] },
  { name: 'sweeps', module: 'compiler/lower.ts', codes: [SEM.emptySweep, SEM.duplicateSweepValue, SEM.notInteger] },
  {
    name: 'arguments',
    module: 'compiler/checks/args.ts',
    codes: [SEM.unknownArgument, SEM.missingArgument, SEM.duplicateArgument, SEM.tooManyArguments],
  },
  {
    name: 'values',
    module: 'compiler/evaluate.ts',
    codes: [
      SEM.unknownName,
      SEM.unknownBuiltin,
      SEM.typeMismatch,
      SEM.unitNotAllowed,
      SEM.unknownUnit,
      SEM.outOfRange,
      SEM.notInteger,
      SEM.emptyInterval,
      SEM.nonFinite,
      SEM.lengthMismatch,
      SEM.wrongKind,
      SEM.circularDefinition,
      SEM.tooDeep,
      SEM.sweepNotAllowed,
    ],
  },
  { name: 'declarations', module: 'compiler/lower/cell.ts', codes: [SEM.expectedCall, SEM.unknownBuiltin] },
  {
    name: 'implicit data and forward',
    module: 'compiler/lower/implicit.ts',
    codes: [SEM.ambiguousDefault, SEM.missingDefault],
  },
  {
    name: 'data',
    module: 'compiler/lower/data.ts',
    codes: [
      SEM.dimensionMismatch,
      SEM.fixedDimension,
      SEM.indexOutOfRange,
      SEM.dataFileNotFound,
      SEM.badDataFile,
      SEM.readNotAllowed,
      SEM.fileTooLarge,
    ],
  },
  { name: 'forward', module: 'compiler/lower/forward.ts', codes: [SEM.conflictingArguments, SEM.outOfRange] },
  {
    name: 'models',
    module: 'compiler/lower/model.ts',
    codes: [SEM.featureAxisOutsideData, SEM.featuresMissAxis, SEM.dimensionMismatch],
  },
  { name: 'samplers', module: 'compiler/lower/sample.ts', codes: [SEM.incompatibleModel, SEM.gridRank] },
  { name: 'array sizes', module: 'compiler/checks/allocation.ts', codes: [SEM.arrayTooLarge] },
  { name: 'maps', module: 'compiler/lower/map.ts', codes: [SEM.gridRank, SEM.incompatibleModel] },
  { name: 'plots', module: 'compiler/lower/plot.ts', codes: [SEM.notASweepAxis, SEM.plotLayout, SEM.plotFileReserved] },
  { name: 'unused', module: 'compiler/checks/unused.ts', codes: [SEM.unusedDefinition, SEM.unusedSweep] },
  { name: 'ir', module: 'compiler/ir/validate.ts', codes: [SEM.internalError] },
];
