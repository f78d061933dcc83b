// The blocking of the second-order linear algebra, in one place: the Cholesky's panel width NB and
// column block NB2 (cholesky.ts), the rows of J per pass of the Gauss–Newton accumulation KC
// (syrk.ts), and the symmetric rank-k update's column chunk NC, packing threshold PACK_MIN and
// register-tile height MR (syrk-lower.ts; the Cholesky and syrk_acc_rows_f32 check their row
// ranges against MR). Nothing here is exported from the module (index.ts does not re-export this
// file).
//
// Used by cholesky.ts, syrk.ts and syrk-lower.ts.

/** Panel width of the blocked Cholesky (diagonal factor + triangular solve). */
export const NB: i32 = 48;
/** Column block of the Cholesky: its trailing update has depth NB2 (a multiple of NB). */
export const NB2: i32 = 96;
/** Rows of J consumed per pass of syrk_acc_f32 (bounds the B-panel footprint). */
export const KC: i32 = 256;
/** Column chunk of the symmetric rank-k update (B operand kb × NC floats stays in L2). */
export const NC: i32 = 256;
/** Packing pays from this trailing size on (below it the operands sit in L1/L2 anyway). */
export const PACK_MIN: i32 = 256;
/** Rows of the register tile of the symmetric rank-k update (vmath.ts tile4x8). */
export const MR: i32 = 4;
