// SPEC 6 accuracy for float64, half 2 of the catalog (see accuracy-f64.ts).
import { defineF64Accuracy } from './accuracy-f64.js';

defineF64Accuracy(1);
