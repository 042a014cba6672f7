// Every family's reference derivatives, by kernel name (the forward kernel the
// catalog's call(p) names: gelu with approximate 'tanh' is 'geluTanh').
import * as piecewise from './piecewise.js';
import * as exp from './exp.js';
import * as tanh from './tanh.js';
import type { Params } from '../reference.js';
import type Decimal from 'decimal.js';

export const gradRef64: Readonly<Record<string, (x: number, p: Params) => number>> = { ...piecewise.gradRef64, ...exp.gradRef64, ...tanh.gradRef64 };
export const gradRefDec: Readonly<Record<string, (x: Decimal, p: Params) => Decimal>> = { ...piecewise.gradRefDec, ...exp.gradRefDec, ...tanh.gradRefDec };
