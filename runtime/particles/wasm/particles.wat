;; The per-particle PF-ODE loops of particles/gauss-loops.ts and particles/integrate.ts in WebAssembly
;; SIMD128 (runtime/particles/wasm/simd.ts loads it; `npm run build:wasm` turns this text into
;; particles-bytes.ts), for Gaussian space factors (below) or Fourier ones (section "Fourier");
;; after them, the tabulated fields' steps and builds (particles/table.ts: tstep1, tstep2, tcoef1,
;; tgrid) and the exact score's 1D Euler step (particles/exact-score.ts: xstep1).
;; Gaussian space factors with a window of K = 3 centres each side (width = spacing / 2, as in
;; Figs. 2-3). Vectorized over the window: a factor's 7 bumps (plus one zero lane) are two f32x4
;; vectors and the weights of a window row are two unaligned v128 loads, so the 2D step's
;; 2 x 7 x 7 multiply-adds are 28 f32x4 multiply-adds per particle. Particles go in pairs, one
;; per f64x2 lane, for everything else: window location, the exps ($vexp2, float64, relative
;; error 7e-12), the float64 bump recurrences, the update; the bumps are rounded to float32 only
;; for the contraction, and the particle state stays float64.
;;
;; Bump i0 + k of a factor is exp(-a (f - k)^2) = G E^k e^{-a k^2} with G = e^{-a f^2} and
;; E = e^{2 a f} (bases.ts); G is folded into each factor's row so no value exceeds 1. f is
;; clamped to +-fc (fc = K + sqrt(110 / a), set by the caller): beyond it every bump of the row is
;; below e^-110, which is 0 in float32, so the clamp changes nothing and keeps E finite (a < 100).
;;
;; Memory (byte offsets chosen by the caller): scratch [0, 64) holds a pair's rows of factor 1
;; as float32 (2D); the
;; weights are float32, per evaluation e and output d a block of (n1 + 6) rows of n2 + 8 floats
;; (3 zero columns/rows before, 5 columns / 3 rows after), so every window is in bounds; h [steps]
;; and a [E] float64; the state x [n, dim] float64 (n even: the caller pads), advanced in place.
;;
;; Fourier space factors (docs/theory.md 13.3): a row [1, cos k theta (k = 1..nc), sin k theta (k = 1..ns)]
;; with theta = w u, whole (no window: every feature is O(1) everywhere). Per pair of particles:
;; one f64x2 sincos ($sincos) of theta, the angle-addition recurrences in float64, the row rounded
;; to float32 into scratch, then the whole row (2D: the bilinear form over both rows) contracted
;; with f32x4 multiply-adds. Scratch rows R1 = [64, 320) (factor 1) and R2 = [320, 576) (factor
;; 2): slot k (feature k) at 8 k holds [A_k B_k] as float32, up to 32 slots; slot 0 (the constant
;; 1) and the slots past n are written by fsetup, never by the loops. Weights per evaluation (the
;; caller pads columns to a multiple of 4 with zeros, so the padding slots' values never count):
;; 1D a row of n4 floats; 2D, for each column vector jv (4 features of factor 2) and row i of
;; factor 1 (rows padded to an even count with zeros), the 4 weights of output 0 then those of
;; output 1 (8 floats): the contraction walks the block once, front to back, every load in bounds.
(module
  (memory (export "memory") 1)

  (global $lo1 (mut f64) (f64.const 0))
  (global $invH1 (mut f64) (f64.const 0))
  (global $a1 (mut f64) (f64.const 0))
  (global $last1 (mut f64) (f64.const 0))
  (global $ea1 (mut f64) (f64.const 0))
  (global $q1 (mut f64) (f64.const 0))
  (global $fc1 (mut f64) (f64.const 0))
  (global $lo2 (mut f64) (f64.const 0))
  (global $invH2 (mut f64) (f64.const 0))
  (global $a2 (mut f64) (f64.const 0))
  (global $last2 (mut f64) (f64.const 0))
  (global $ea2 (mut f64) (f64.const 0))
  (global $q2 (mut f64) (f64.const 0))
  (global $fc2 (mut f64) (f64.const 0))
  (global $norm (mut f64) (f64.const 0))
  ;; bytes between window rows, between the two outputs' blocks
  (global $rowB (mut i32) (i32.const 0))
  (global $blkB (mut i32) (i32.const 0))
  ;; Fourier (fsetup): 1 when the loops evaluate Fourier factors; per factor w = 2 pi / L and the
  ;; cosine and sine counts; end1 = R1 + 8 n1 (2D rows, n1 padded to even) or R1 + 8 n4 (1D),
  ;; end2 = R2 + 8 n4 of factor 2: where the contraction loops stop; same = 1 when both factors
  ;; have the same counts ($frow2)
  (global $fourier (mut i32) (i32.const 0))
  (global $fw1 (mut f64) (f64.const 0))
  (global $nc1 (mut i32) (i32.const 0))
  (global $ns1 (mut i32) (i32.const 0))
  (global $fw2 (mut f64) (f64.const 0))
  (global $nc2 (mut i32) (i32.const 0))
  (global $ns2 (mut i32) (i32.const 0))
  (global $end1 (mut i32) (i32.const 0))
  (global $end2 (mut i32) (i32.const 0))
  (global $same (mut i32) (i32.const 0))

  ;; a, ea = e^-a, q = e^-2a, last = n - 1, fc (see above) per factor; norm = product of the pdf
  ;; normalizations; rowB, blkB as above (1D: rowB unused, blkB = one evaluation's row)
  (func (export "setup")
    (param $lo1 f64) (param $invH1 f64) (param $a1 f64) (param $last1 f64) (param $ea1 f64) (param $q1 f64) (param $fc1 f64)
    (param $lo2 f64) (param $invH2 f64) (param $a2 f64) (param $last2 f64) (param $ea2 f64) (param $q2 f64) (param $fc2 f64)
    (param $norm f64) (param $rowB i32) (param $blkB i32)
    (global.set $lo1 (local.get $lo1)) (global.set $invH1 (local.get $invH1)) (global.set $a1 (local.get $a1))
    (global.set $last1 (local.get $last1)) (global.set $ea1 (local.get $ea1)) (global.set $q1 (local.get $q1))
    (global.set $fc1 (local.get $fc1))
    (global.set $lo2 (local.get $lo2)) (global.set $invH2 (local.get $invH2)) (global.set $a2 (local.get $a2))
    (global.set $last2 (local.get $last2)) (global.set $ea2 (local.get $ea2)) (global.set $q2 (local.get $q2))
    (global.set $fc2 (local.get $fc2))
    (global.set $norm (local.get $norm))
    (global.set $rowB (local.get $rowB))
    (global.set $blkB (local.get $blkB))
    (global.set $fourier (i32.const 0)))

  ;; exp of the lanes of two vectors (one body for both, interleaved: independent work for the CPU,
  ;; one call): v = k ln2 + r, |r| <= ln2 / 2, exp(v) = 2^k p(r) with p the degree-9
  ;; Taylor polynomial (truncation (ln2/2)^10 / 10! = 7e-12 relative, four orders below float32
  ;; resolution). k = round(v / ln2) by adding and subtracting 1.5 * 2^52 (round to nearest, as
  ;; f64x2.nearest, but m also carries k as an integer in its low bits); r = v - k ln2 in one
  ;; product: its rounding (up to 1.1e-13 for |v| ~ 700) stays far below float32 resolution.
  ;; Arguments are clamped to [-708, 709]: below, the result is 3e-308 instead of 0 (0 in the
  ;; float32 rows all the same); NaN stays NaN. Clamps here and in $factor use pmin/pmax: one
  ;; instruction each, and a NaN first operand passes through.
  (func $vexp2 (param $va v128) (param $vb v128) (result v128 v128)
    (local $ma v128) (local $mb v128) (local $ka v128) (local $ra v128) (local $r2a v128) (local $r4a v128) (local $pa v128)
    (local $kb v128) (local $rb v128) (local $r2b v128) (local $r4b v128) (local $pb v128)
    (local.set $va (f64x2.pmin (f64x2.pmax (local.get $va) (v128.const f64x2 -708 -708)) (v128.const f64x2 709 709)))
    (local.set $vb (f64x2.pmin (f64x2.pmax (local.get $vb) (v128.const f64x2 -708 -708)) (v128.const f64x2 709 709)))
    (local.set $ma (f64x2.add (f64x2.mul (local.get $va) (v128.const f64x2 1.4426950408889634 1.4426950408889634))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $ka (f64x2.sub (local.get $ma) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $mb (f64x2.add (f64x2.mul (local.get $vb) (v128.const f64x2 1.4426950408889634 1.4426950408889634))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $kb (f64x2.sub (local.get $mb) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $ra (f64x2.sub (local.get $va) (f64x2.mul (local.get $ka) (v128.const f64x2 0.6931471805599453 0.6931471805599453))))
    (local.set $rb (f64x2.sub (local.get $vb) (f64x2.mul (local.get $kb) (v128.const f64x2 0.6931471805599453 0.6931471805599453))))
    ;; Estrin's scheme (a short dependency chain: the loops are latency-bound)
    (local.set $r2a (f64x2.mul (local.get $ra) (local.get $ra)))
    (local.set $r2b (f64x2.mul (local.get $rb) (local.get $rb)))
    (local.set $r4a (f64x2.mul (local.get $r2a) (local.get $r2a)))
    (local.set $r4b (f64x2.mul (local.get $r2b) (local.get $r2b)))
    (local.set $pa (f64x2.add
      (f64x2.add
        (f64x2.add (v128.const f64x2 1 1) (local.get $ra))
        (f64x2.mul (local.get $r2a)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $ra) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
      (f64x2.mul (local.get $r4a)
        (f64x2.add
          (f64x2.add
            (f64x2.add (v128.const f64x2 4.1666666666666664e-02 4.1666666666666664e-02)
              (f64x2.mul (local.get $ra) (v128.const f64x2 8.333333333333333e-03 8.333333333333333e-03)))
            (f64x2.mul (local.get $r2a)
              (f64x2.add (v128.const f64x2 1.388888888888889e-03 1.388888888888889e-03)
                (f64x2.mul (local.get $ra) (v128.const f64x2 1.984126984126984e-04 1.984126984126984e-04)))))
          (f64x2.mul (local.get $r4a)
            (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05)
              (f64x2.mul (local.get $ra) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))))))))
    (local.set $pb (f64x2.add
      (f64x2.add
        (f64x2.add (v128.const f64x2 1 1) (local.get $rb))
        (f64x2.mul (local.get $r2b)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $rb) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))))
      (f64x2.mul (local.get $r4b)
        (f64x2.add
          (f64x2.add
            (f64x2.add (v128.const f64x2 4.1666666666666664e-02 4.1666666666666664e-02)
              (f64x2.mul (local.get $rb) (v128.const f64x2 8.333333333333333e-03 8.333333333333333e-03)))
            (f64x2.mul (local.get $r2b)
              (f64x2.add (v128.const f64x2 1.388888888888889e-03 1.388888888888889e-03)
                (f64x2.mul (local.get $rb) (v128.const f64x2 1.984126984126984e-04 1.984126984126984e-04)))))
          (f64x2.mul (local.get $r4b)
            (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05)
              (f64x2.mul (local.get $rb) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06))))))))
    ;; 2^k from its exponent bits: the low bits of m hold k (k in [-1022, 1023] after the clamp),
    ;; and the shift drops everything above the 11-bit exponent field
    (f64x2.mul (local.get $pa)
      (i64x2.shl
        (i64x2.add (local.get $ma) (v128.const i64x2 1023 1023))
        (i32.const 52)))
    (f64x2.mul (local.get $pb)
      (i64x2.shl
        (i64x2.add (local.get $mb) (v128.const i64x2 1023 1023))
        (i32.const 52))))

  ;; test hook: exp of n float64 values (n a multiple of 4) at ptr, in place
  (func (export "expv") (param $ptr i32) (param $n i32)
    (local $end i32) (local $ea v128) (local $eb v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (call $vexp2 (v128.load (local.get $ptr)) (v128.load offset=16 (local.get $ptr)))
        (local.set $eb) (local.set $ea)
        (v128.store (local.get $ptr) (local.get $ea))
        (v128.store offset=16 (local.get $ptr) (local.get $eb))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $next))))

  ;; One factor for two particles (lanes A, B) at coordinates U: the window position i0 (i32
  ;; lanes 0, 2) and the float32 rows [d3 d2 d1 c] and [u1 u2 u3 0] of A, then of B. With d the
  ;; coordinate in centre spacings, i0 = nearest centre (clamped to the grid) and f = d - i0
  ;; (clamped to +-fc), the centre bump is c = e^{-a f^2} and the others follow outwards by the
  ;; recurrences s <- s q (up: s = ea E, down: s = ea / E, E = e^{2 a f}). One function, not
  ;; several: V8 does not inline wasm calls.
  (func $factor (param $U v128) (param $lo f64) (param $invH f64) (param $last f64) (param $fc f64)
    (param $a f64) (param $ea f64) (param $q f64) (result v128 v128 v128 v128 v128)
    (local $d v128) (local $m v128) (local $c v128) (local $F v128) (local $A v128) (local $Q v128)
    (local $G v128) (local $E v128) (local $sU v128) (local $sD v128)
    (local $u1 v128) (local $u2 v128) (local $d1 v128) (local $d2 v128)
    (local $d32 v128) (local $d1c v128) (local $u12 v128) (local $u30 v128)
    (local.set $d (f64x2.mul (f64x2.sub (local.get $U) (f64x2.splat (local.get $lo))) (f64x2.splat (local.get $invH))))
    ;; clamp first (constant as first operand: NaN -> 0, so the index stays in bounds), then
    ;; round by adding 1.5 * 2^52, which leaves i0 in the low 32 bits of each lane
    (local.set $m (f64x2.add
      (f64x2.pmin (f64x2.splat (local.get $last)) (f64x2.pmax (v128.const f64x2 0 0) (local.get $d)))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $c (f64x2.sub (local.get $m) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $F (f64x2.pmin (f64x2.pmax (f64x2.sub (local.get $d) (local.get $c)) (f64x2.splat (f64.neg (local.get $fc))))
      (f64x2.splat (local.get $fc))))
    (local.set $A (f64x2.splat (local.get $a)))
    (local.set $Q (f64x2.splat (local.get $q)))
    (call $vexp2
      (f64x2.neg (f64x2.mul (local.get $A) (f64x2.mul (local.get $F) (local.get $F))))
      (f64x2.mul (f64x2.add (local.get $A) (local.get $A)) (local.get $F)))
    (local.set $E) (local.set $G)
    (local.set $sU (f64x2.mul (f64x2.splat (local.get $ea)) (local.get $E)))
    (local.set $sD (f64x2.div (f64x2.splat (local.get $ea)) (local.get $E)))
    (local.set $u1 (f64x2.mul (local.get $G) (local.get $sU)))
    (local.set $d1 (f64x2.mul (local.get $G) (local.get $sD)))
    (local.set $sU (f64x2.mul (local.get $sU) (local.get $Q)))
    (local.set $sD (f64x2.mul (local.get $sD) (local.get $Q)))
    (local.set $u2 (f64x2.mul (local.get $u1) (local.get $sU)))
    (local.set $d2 (f64x2.mul (local.get $d1) (local.get $sD)))
    ;; to float32: [d3A d3B d2A d2B], [d1A d1B cA cB], [u1A u1B u2A u2B], [u3A u3B 0 0]
    (local.set $d32 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.mul (local.get $d2) (f64x2.mul (local.get $sD) (local.get $Q))))
      (f32x4.demote_f64x2_zero (local.get $d2))))
    (local.set $d1c (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $d1)) (f32x4.demote_f64x2_zero (local.get $G))))
    (local.set $u12 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $u1)) (f32x4.demote_f64x2_zero (local.get $u2))))
    (local.set $u30 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $u2) (f64x2.mul (local.get $sU) (local.get $Q)))))
    ;; Bumps below 2^-50 = 9e-16 (the row's values are at most 1) become exact zeros. Inside the
    ;; grid no bump of a window is that small (the farthest is >= e^-24.5 = 2e-11); beyond it the
    ;; tiny bumps and their products with the other factor's row and the weights fell into
    ;; float32's subnormal range, which x86 multiplies several times slower (particles beyond the
    ;; grid ran at 160 ns a step against 42). Products of two kept rows stay above 2^-100, normal
    ;; for weights above 2^-26. What is dropped moves the velocity by under 49 |W| 2^-50, below
    ;; float32 resolution. Written out, not a call: V8 does not inline wasm calls.
    (local.set $u1 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $d32) (local.get $d1c)))
    (local.set $u2 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $u12) (local.get $u30)))
    (local.set $d1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $d32) (local.get $d1c)))
    (local.set $d2 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $u12) (local.get $u30)))
    (local.set $Q (v128.const f32x4 0x1p-50 0x1p-50 0x1p-50 0x1p-50))
    (local.get $m)
    (v128.and (local.get $u1) (f32x4.ge (local.get $u1) (local.get $Q)))
    (v128.and (local.get $u2) (f32x4.ge (local.get $u2) (local.get $Q)))
    (v128.and (local.get $d1) (f32x4.ge (local.get $d1) (local.get $Q)))
    (v128.and (local.get $d2) (f32x4.ge (local.get $d2) (local.get $Q))))

  ;; 1D: mu of two particles (lanes) at U from the weights of one evaluation at wb
  (func $vel1 (param $U v128) (param $wb i32) (result v128)
    (local $I v128) (local $loA v128) (local $hiA v128) (local $loB v128) (local $hiB v128)
    (local $vA v128) (local $vB v128) (local $pA i32) (local $pB i32)
    (call $factor (local.get $U) (global.get $lo1) (global.get $invH1) (global.get $last1) (global.get $fc1)
      (global.get $a1) (global.get $ea1) (global.get $q1))
    (local.set $hiB) (local.set $loB) (local.set $hiA) (local.set $loA)
    (local.set $I)
    (local.set $pA (i32.add (local.get $wb) (i32.shl (i32x4.extract_lane 0 (local.get $I)) (i32.const 2))))
    (local.set $pB (i32.add (local.get $wb) (i32.shl (i32x4.extract_lane 2 (local.get $I)) (i32.const 2))))
    (local.set $vA (f32x4.add (f32x4.mul (v128.load (local.get $pA)) (local.get $loA))
      (f32x4.mul (v128.load offset=16 (local.get $pA)) (local.get $hiA))))
    (local.set $vB (f32x4.add (f32x4.mul (v128.load (local.get $pB)) (local.get $loB))
      (f32x4.mul (v128.load offset=16 (local.get $pB)) (local.get $hiB))))
    ;; lane sums in a fixed order, (0 + 2) + (1 + 3)
    (local.set $vA (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $vA) (local.get $vB)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $vA) (local.get $vB))))
    (f64x2.mul (f64x2.splat (global.get $norm)) (f64x2.promote_low_f32x4
      (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $vA) (local.get $vA)) (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $vA) (local.get $vA))))))

  ;; 2D: mu (outputs 0 and 1, each with the two particles in its lanes) at coordinates U1, U2 of
  ;; factors 1 and 2 from the weights of one evaluation at wb
  (func $vel2 (param $U1 v128) (param $U2 v128) (param $wb i32) (result v128 v128)
    (local $I1 v128) (local $I2 v128)
    (local $loA v128) (local $hiA v128) (local $loB v128) (local $hiB v128)
    (local $s v128) (local $pl v128) (local $ph v128)
    (local $a0 v128) (local $b0 v128) (local $a1 v128) (local $b1 v128)
    (local $pA i32) (local $pB i32) (local $pA1 i32) (local $pB1 i32) (local $sc i32)
    ;; factor 2's rows as float32 vectors, one pair per particle
    (call $factor (local.get $U2) (global.get $lo2) (global.get $invH2) (global.get $last2) (global.get $fc2)
      (global.get $a2) (global.get $ea2) (global.get $q2))
    (local.set $hiB) (local.set $loB) (local.set $hiA) (local.set $loA)
    (local.set $I2)
    (call $factor (local.get $U1) (global.get $lo1) (global.get $invH1) (global.get $last1) (global.get $fc1)
      (global.get $a1) (global.get $ea1) (global.get $q1))
    ;; factor 1's rows into scratch (A at 0, B at 32): one splat load per window row
    (local.set $s) (local.set $pl) (local.set $ph) (local.set $a0)
    (v128.store (i32.const 0) (local.get $a0))
    (v128.store (i32.const 16) (local.get $ph))
    (v128.store (i32.const 32) (local.get $pl))
    (v128.store (i32.const 48) (local.get $s))
    (local.set $a0 (v128.const i64x2 0 0))
    (local.set $I1)
    (local.set $pA (i32.add (local.get $wb) (i32.add
      (i32.mul (i32x4.extract_lane 0 (local.get $I1)) (global.get $rowB))
      (i32.shl (i32x4.extract_lane 0 (local.get $I2)) (i32.const 2)))))
    (local.set $pB (i32.add (local.get $wb) (i32.add
      (i32.mul (i32x4.extract_lane 2 (local.get $I1)) (global.get $rowB))
      (i32.shl (i32x4.extract_lane 2 (local.get $I2)) (i32.const 2)))))
    (local.set $pA1 (i32.add (local.get $pA) (global.get $blkB)))
    (local.set $pB1 (i32.add (local.get $pB) (global.get $blkB)))
    (local.set $sc (i32.const 0))
    ;; one accumulator per particle and output: 4 of them plus the rows and a row's products
    ;; fit the 16 vector registers, so nothing spills in this loop
    (loop $row
      (local.set $s (v128.load32_splat (local.get $sc)))
      (local.set $pl (f32x4.mul (local.get $loA) (local.get $s)))
      (local.set $ph (f32x4.mul (local.get $hiA) (local.get $s)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.add
        (f32x4.mul (v128.load (local.get $pA)) (local.get $pl))
        (f32x4.mul (v128.load offset=16 (local.get $pA)) (local.get $ph)))))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.add
        (f32x4.mul (v128.load (local.get $pA1)) (local.get $pl))
        (f32x4.mul (v128.load offset=16 (local.get $pA1)) (local.get $ph)))))
      (local.set $s (v128.load32_splat offset=32 (local.get $sc)))
      (local.set $pl (f32x4.mul (local.get $loB) (local.get $s)))
      (local.set $ph (f32x4.mul (local.get $hiB) (local.get $s)))
      (local.set $b0 (f32x4.add (local.get $b0) (f32x4.add
        (f32x4.mul (v128.load (local.get $pB)) (local.get $pl))
        (f32x4.mul (v128.load offset=16 (local.get $pB)) (local.get $ph)))))
      (local.set $b1 (f32x4.add (local.get $b1) (f32x4.add
        (f32x4.mul (v128.load (local.get $pB1)) (local.get $pl))
        (f32x4.mul (v128.load offset=16 (local.get $pB1)) (local.get $ph)))))
      (local.set $pA (i32.add (local.get $pA) (global.get $rowB)))
      (local.set $pA1 (i32.add (local.get $pA1) (global.get $rowB)))
      (local.set $pB (i32.add (local.get $pB) (global.get $rowB)))
      (local.set $pB1 (i32.add (local.get $pB1) (global.get $rowB)))
      (local.set $sc (i32.add (local.get $sc) (i32.const 4)))
      (br_if $row (i32.lt_u (local.get $sc) (i32.const 28))))
    ;; lane sums in a fixed order, (0 + 2) + (1 + 3): s = [A0 B0 A1 B1] (particle, output)
    (local.set $pl (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $b0)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $b0))))
    (local.set $ph (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a1) (local.get $b1)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a1) (local.get $b1))))
    (local.set $s (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $pl) (local.get $ph)) (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $pl) (local.get $ph))))
    (f64x2.mul (f64x2.splat (global.get $norm)) (f64x2.promote_low_f32x4 (local.get $s)))
    (f64x2.mul (f64x2.splat (global.get $norm)) (f64x2.promote_low_f32x4
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s)))))

  ;; ---- Fourier ----

  ;; blkB as in setup (2D: half an evaluation's block, as there); the rest as the globals above.
  ;; Clears both scratch rows and writes the constant feature 1 of both particles into slot 0:
  ;; the loops write only slots 1..n-1, so padding slots stay 0 (finite; their weights are 0).
  (func (export "fsetup") (param $w1 f64) (param $nc1 i32) (param $ns1 i32)
    (param $w2 f64) (param $nc2 i32) (param $ns2 i32) (param $end1 i32) (param $end2 i32) (param $blkB i32)
    (local $p i32)
    (global.set $fw1 (local.get $w1)) (global.set $nc1 (local.get $nc1)) (global.set $ns1 (local.get $ns1))
    (global.set $fw2 (local.get $w2)) (global.set $nc2 (local.get $nc2)) (global.set $ns2 (local.get $ns2))
    (global.set $end1 (local.get $end1)) (global.set $end2 (local.get $end2))
    (global.set $blkB (local.get $blkB))
    (global.set $fourier (i32.const 1))
    (global.set $same (i32.and (i32.eq (local.get $nc1) (local.get $nc2)) (i32.eq (local.get $ns1) (local.get $ns2))))
    (local.set $p (i32.const 64))
    (loop $zero
      (v128.store (local.get $p) (v128.const i64x2 0 0))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $zero (i32.lt_u (local.get $p) (i32.const 576))))
    (v128.store64_lane 0 (i32.const 64) (v128.const f32x4 1 1 0 0))
    (v128.store64_lane 0 (i32.const 320) (v128.const f32x4 1 1 0 0)))

  ;; sin and cos of both lanes. Cody-Waite: k = round(T 2/pi) (the 1.5 * 2^52 trick, so m also
  ;; carries k's low bits), r = T - k pi/2 with pi/2 split in three (P1, P2: 33 significant bits,
  ;; so k P1 and k P2 are exact for |k| < 2^20, i.e. |T| < 1.6e6; P3 the rest, fdlibm's pio2_1,
  ;; pio2_2, pio2_2t), which leaves |r| <= pi/4 accurate to float64 rounding. On [-pi/4, pi/4] the
  ;; Taylor polynomials of degree 11 (sin, truncation r^13 / 13! <= 9e-12 relative) and 12 (cos,
  ;; 4e-13), by Estrin's scheme (short chains: the loops are latency-bound); with the quadrant
  ;; (k mod 4 = the low bits of m) the two swap (k odd) and change sign. Relative error ~1e-11,
  ;; over 3 orders below float32 resolution (6e-8), as the rows are rounded to float32. T is
  ;; clamped to +-2^40 (pmin/pmax, NaN passes): beyond 1.6e6 accuracy fades, but k stays an exact
  ;; integer in m and |r| stays about pi/4, so the results stay bounded even for runaway states.
  (func $sincos (param $T v128) (result v128 v128)
    (local $m v128) (local $k v128) (local $r v128) (local $z v128) (local $z2 v128)
    (local $s v128) (local $c v128) (local $odd v128) (local $hi v128)
    (local.set $T (f64x2.pmin (f64x2.pmax (local.get $T) (v128.const f64x2 -0x1p40 -0x1p40)) (v128.const f64x2 0x1p40 0x1p40)))
    (local.set $m (f64x2.add (f64x2.mul (local.get $T) (v128.const f64x2 0.6366197723675814 0.6366197723675814))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $k (f64x2.sub (local.get $m) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $r (f64x2.sub
      (f64x2.sub
        (f64x2.sub (local.get $T) (f64x2.mul (local.get $k) (v128.const f64x2 1.57079632673412561417 1.57079632673412561417)))
        (f64x2.mul (local.get $k) (v128.const f64x2 6.07710050630396597660e-11 6.07710050630396597660e-11)))
      (f64x2.mul (local.get $k) (v128.const f64x2 2.02226624879595063154e-21 2.02226624879595063154e-21))))
    (local.set $z (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $z2 (f64x2.mul (local.get $z) (local.get $z)))
    ;; sin r = r + r z (S1 + z S2 + z^2 (S3 + z S4 + z^2 S5)), S_j = (-1)^j / (2j + 1)!
    (local.set $s (f64x2.add (local.get $r) (f64x2.mul (f64x2.mul (local.get $r) (local.get $z))
      (f64x2.add
        (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666)
          (f64x2.mul (local.get $z) (v128.const f64x2 8.3333333333333332e-03 8.3333333333333332e-03)))
        (f64x2.mul (local.get $z2)
          (f64x2.add
            (f64x2.add (v128.const f64x2 -1.9841269841269841e-04 -1.9841269841269841e-04)
              (f64x2.mul (local.get $z) (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06)))
            (f64x2.mul (local.get $z2) (v128.const f64x2 -2.5052108385441720e-08 -2.5052108385441720e-08))))))))
    ;; cos r = (1 - z / 2) + z^2 (C1 + z C2 + z^2 (C3 + z C4 + z^2 C5)), C_j = (-1)^(j+1) / (2j + 2)!
    (local.set $c (f64x2.add
      (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $z) (v128.const f64x2 0.5 0.5)))
      (f64x2.mul (local.get $z2)
        (f64x2.add
          (f64x2.add (v128.const f64x2 4.1666666666666664e-02 4.1666666666666664e-02)
            (f64x2.mul (local.get $z) (v128.const f64x2 -1.3888888888888889e-03 -1.3888888888888889e-03)))
          (f64x2.mul (local.get $z2)
            (f64x2.add
              (f64x2.add (v128.const f64x2 2.4801587301587302e-05 2.4801587301587302e-05)
                (f64x2.mul (local.get $z) (v128.const f64x2 -2.7557319223985888e-07 -2.7557319223985888e-07)))
              (f64x2.mul (local.get $z2) (v128.const f64x2 2.0876756987868100e-09 2.0876756987868100e-09))))))))
    ;; quadrant k mod 4 (bits 0 and 1 of m): sin = [s, c, -s, -c], cos = [c, -s, -c, s]; bit 0
    ;; shifted to the top and spread over the lane is the swap mask, bit 1 (bit 1 xor bit 0) in
    ;; the sign position is sin's (cos's) sign flip
    (local.set $odd (i64x2.shr_s (i64x2.shl (local.get $m) (i32.const 63)) (i32.const 63)))
    (local.set $hi (i64x2.shl (local.get $m) (i32.const 62)))
    (v128.xor (v128.bitselect (local.get $c) (local.get $s) (local.get $odd))
      (v128.and (local.get $hi) (v128.const f64x2 -0 -0)))
    (v128.xor (v128.bitselect (local.get $s) (local.get $c) (local.get $odd))
      (v128.and (v128.xor (local.get $hi) (i64x2.shl (local.get $m) (i32.const 63))) (v128.const f64x2 -0 -0))))

  ;; test hook: sin and cos of n float64 values (n even) at ptr, to out (sines) and out + 8 n
  ;; (cosines)
  (func (export "sincosv") (param $ptr i32) (param $n i32) (param $out i32)
    (local $end i32) (local $co i32) (local $s v128) (local $c v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $co (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (call $sincos (v128.load (local.get $ptr)))
        (local.set $c) (local.set $s)
        (v128.store (local.get $out) (local.get $s))
        (v128.store (local.get $co) (local.get $c))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $co (i32.add (local.get $co) (i32.const 16)))
        (br $next))))

  ;; One Fourier row of two particles at coordinates U into the scratch row at p (slots 1..n-1):
  ;; cos k theta and sin k theta by the angle-addition recurrences in float64 (error grows like
  ;; k 1e-16), each pair [cos, sin] of both particles rounded to float32 in one vector. Values
  ;; below 2^-50 in magnitude become exact zeros, as in $factor: a theta near a multiple of pi
  ;; can give sines of 1e-20, whose products with the other row and the weights would be float32
  ;; subnormals (several times slower on x86); dropping them moves the velocity by under
  ;; n^2 |W| 2^-50, below float32 resolution. The recurrence is one serial chain, a multiply and
  ;; an add deep per k; two chains (odd and even k, each rotated by 2 theta) measured slower, the
  ;; doubling and the longer tail costing more than the shorter chain saved.
  (func $frow (param $U v128) (param $w f64) (param $nc i32) (param $ns i32) (param $p i32)
    (local $c1 v128) (local $s1 v128) (local $c v128) (local $s v128) (local $t v128) (local $v v128)
    (local $off i32) (local $end i32)
    (call $sincos (f64x2.mul (local.get $U) (f64x2.splat (local.get $w))))
    (local.set $c1) (local.set $s1)
    (local.set $c (local.get $c1))
    (local.set $s (local.get $s1))
    ;; from cosine k's slot to sine k's; the last slot holding both
    (local.set $off (i32.shl (local.get $nc) (i32.const 3)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $ns) (i32.const 3))))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (block $done
      (loop $k
        (br_if $done (i32.gt_u (local.get $p) (local.get $end)))
        ;; [cA cB sA sB]
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $c)) (f32x4.demote_f64x2_zero (local.get $s))))
        (local.set $v (v128.and (local.get $v)
          (f32x4.ge (f32x4.abs (local.get $v)) (v128.const f32x4 0x1p-50 0x1p-50 0x1p-50 0x1p-50))))
        (v128.store64_lane 0 (local.get $p) (local.get $v))
        (v128.store64_lane 1 (i32.add (local.get $p) (local.get $off)) (local.get $v))
        (local.set $t (f64x2.sub (f64x2.mul (local.get $c) (local.get $c1)) (f64x2.mul (local.get $s) (local.get $s1))))
        (local.set $s (f64x2.add (f64x2.mul (local.get $s) (local.get $c1)) (f64x2.mul (local.get $c) (local.get $s1))))
        (local.set $c (local.get $t))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $k)))
    ;; n even: one more cosine than sines
    (if (i32.gt_u (local.get $nc) (local.get $ns))
      (then
        (local.set $v (f32x4.demote_f64x2_zero (local.get $c)))
        (v128.store64_lane 0 (local.get $p) (v128.and (local.get $v)
          (f32x4.ge (f32x4.abs (local.get $v)) (v128.const f32x4 0x1p-50 0x1p-50 0x1p-50 0x1p-50)))))))

  ;; Both rows of the 2D case when the factors have the same cosine and sine counts (Fig. 3): the
  ;; two factors' recurrences in one loop, so that their chains (a multiply and an add deep per
  ;; k, which make a row's latency its cost) run side by side rather than one after the other.
  ;; Otherwise as $frow, into R1 and R2.
  (func $frow2 (param $U1 v128) (param $U2 v128)
    (local $c1a v128) (local $s1a v128) (local $c1b v128) (local $s1b v128)
    (local $ca v128) (local $sa v128) (local $cb v128) (local $sb v128) (local $t v128) (local $v v128)
    (local $p i32) (local $off i32) (local $end i32)
    (call $sincos (f64x2.mul (local.get $U1) (f64x2.splat (global.get $fw1))))
    (local.set $c1a) (local.set $s1a)
    (call $sincos (f64x2.mul (local.get $U2) (f64x2.splat (global.get $fw2))))
    (local.set $c1b) (local.set $s1b)
    (local.set $ca (local.get $c1a))
    (local.set $sa (local.get $s1a))
    (local.set $cb (local.get $c1b))
    (local.set $sb (local.get $s1b))
    (local.set $off (i32.shl (global.get $nc1) (i32.const 3)))
    (local.set $end (i32.add (i32.const 64) (i32.shl (global.get $ns1) (i32.const 3))))
    (local.set $p (i32.const 72))
    (block $done
      (loop $k
        (br_if $done (i32.gt_u (local.get $p) (local.get $end)))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $ca)) (f32x4.demote_f64x2_zero (local.get $sa))))
        (local.set $v (v128.and (local.get $v)
          (f32x4.ge (f32x4.abs (local.get $v)) (v128.const f32x4 0x1p-50 0x1p-50 0x1p-50 0x1p-50))))
        (v128.store64_lane 0 (local.get $p) (local.get $v))
        (v128.store64_lane 1 (i32.add (local.get $p) (local.get $off)) (local.get $v))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $cb)) (f32x4.demote_f64x2_zero (local.get $sb))))
        (local.set $v (v128.and (local.get $v)
          (f32x4.ge (f32x4.abs (local.get $v)) (v128.const f32x4 0x1p-50 0x1p-50 0x1p-50 0x1p-50))))
        (v128.store64_lane offset=256 0 (local.get $p) (local.get $v))
        (v128.store64_lane offset=256 1 (i32.add (local.get $p) (local.get $off)) (local.get $v))
        (local.set $t (f64x2.sub (f64x2.mul (local.get $ca) (local.get $c1a)) (f64x2.mul (local.get $sa) (local.get $s1a))))
        (local.set $sa (f64x2.add (f64x2.mul (local.get $sa) (local.get $c1a)) (f64x2.mul (local.get $ca) (local.get $s1a))))
        (local.set $ca (local.get $t))
        (local.set $t (f64x2.sub (f64x2.mul (local.get $cb) (local.get $c1b)) (f64x2.mul (local.get $sb) (local.get $s1b))))
        (local.set $sb (f64x2.add (f64x2.mul (local.get $sb) (local.get $c1b)) (f64x2.mul (local.get $cb) (local.get $s1b))))
        (local.set $cb (local.get $t))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $k)))
    (if (i32.gt_u (global.get $nc1) (global.get $ns1))
      (then
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $ca)) (f32x4.demote_f64x2_zero (local.get $cb))))
        (local.set $v (v128.and (local.get $v)
          (f32x4.ge (f32x4.abs (local.get $v)) (v128.const f32x4 0x1p-50 0x1p-50 0x1p-50 0x1p-50))))
        (v128.store64_lane 0 (local.get $p) (local.get $v))
        (v128.store64_lane offset=256 1 (local.get $p) (local.get $v)))))

  ;; 1D Fourier: mu of two particles (lanes) at U from the weights of one evaluation at wb. The
  ;; row loads come right after $frow's 8-byte stores, which cannot forward to them, so they
  ;; wait for the stores to reach the cache; 1D Fourier is in none of the paper's figures and
  ;; still runs at 24 ns per particle-step at n = 16 (95 on the JS loops).
  (func $fvel1 (param $U v128) (param $wb i32) (result v128)
    (local $r i32) (local $v0 v128) (local $v1 v128) (local $w v128) (local $a v128) (local $b v128)
    (call $frow (local.get $U) (global.get $fw1) (global.get $nc1) (global.get $ns1) (i32.const 64))
    (local.set $r (i32.const 64))
    (loop $col
      ;; slots [A0 B0 A1 B1], [A2 B2 A3 B3] -> [A0 A1 A2 A3], [B0 B1 B2 B3]
      (local.set $v0 (v128.load (local.get $r)))
      (local.set $v1 (v128.load offset=16 (local.get $r)))
      (local.set $w (v128.load (local.get $wb)))
      (local.set $a (f32x4.add (local.get $a) (f32x4.mul (local.get $w)
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $v0) (local.get $v1)))))
      (local.set $b (f32x4.add (local.get $b) (f32x4.mul (local.get $w)
        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $v0) (local.get $v1)))))
      (local.set $wb (i32.add (local.get $wb) (i32.const 16)))
      (local.set $r (i32.add (local.get $r) (i32.const 32)))
      (br_if $col (i32.lt_u (local.get $r) (global.get $end1))))
    ;; lane sums in a fixed order, (0 + 2) + (1 + 3)
    (local.set $a (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    (f64x2.promote_low_f32x4
      (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $a)) (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $a)))))

  ;; 2D Fourier: mu (outputs 0 and 1, the two particles in the lanes of each) at coordinates U1,
  ;; U2 of factors 1 and 2 from the weights of one evaluation at wb. For each column vector jv
  ;; (4 features of factor 2), the rows of factor 1 first: t = sum_i s_i W[i, jv] for both
  ;; particles and outputs (s_i a splat load; each weight vector serves both particles), then t
  ;; times the particle's column vector into its sum. That is 8 f32x4 operations per row and pair
  ;; (10 if each row's products with the column vector were formed first). Two rows per
  ;; iteration, summed before they join t, so that each accumulator waits on one add per two
  ;; rows (the caller pads factor 1 to an even row count with a zero row). Live in the row loop:
  ;; 4 accumulators, 4 splats, 4 weight vectors and a product or two, within the 16 vector
  ;; registers; the 4 running sums over jv go through scratch [0, 64) (the Gaussian rows' place,
  ;; unused here) once per column vector rather than taking 4 more registers.
  (func $fvel2 (param $U1 v128) (param $U2 v128) (param $wb i32) (result v128 v128)
    (local $r i32) (local $q i32)
    (local $sA v128) (local $sB v128) (local $sA2 v128) (local $sB2 v128)
    (local $w0 v128) (local $w1 v128) (local $w02 v128) (local $w12 v128)
    (local $tA0 v128) (local $tA1 v128) (local $tB0 v128) (local $tB1 v128)
    ;; the rows: together when the counts agree; else factor 2 first, so its row's 8-byte stores
    ;; have long reached the cache when the column loads (16 bytes over two stores, which store
    ;; forwarding cannot serve) read them. (Either way the first column load comes after a
    ;; column's row loop.)
    (if (global.get $same)
      (then (call $frow2 (local.get $U1) (local.get $U2)))
      (else
        (call $frow (local.get $U2) (global.get $fw2) (global.get $nc2) (global.get $ns2) (i32.const 320))
        (call $frow (local.get $U1) (global.get $fw1) (global.get $nc1) (global.get $ns1) (i32.const 64))))
    (v128.store (i32.const 0) (v128.const i64x2 0 0))
    (v128.store (i32.const 16) (v128.const i64x2 0 0))
    (v128.store (i32.const 32) (v128.const i64x2 0 0))
    (v128.store (i32.const 48) (v128.const i64x2 0 0))
    (local.set $r (i32.const 320))
    (loop $col
      (local.set $tA0 (v128.const i64x2 0 0))
      (local.set $tA1 (v128.const i64x2 0 0))
      (local.set $tB0 (v128.const i64x2 0 0))
      (local.set $tB1 (v128.const i64x2 0 0))
      (local.set $q (i32.const 64))
      (loop $row
        (local.set $sA (v128.load32_splat (local.get $q)))
        (local.set $sB (v128.load32_splat offset=4 (local.get $q)))
        (local.set $sA2 (v128.load32_splat offset=8 (local.get $q)))
        (local.set $sB2 (v128.load32_splat offset=12 (local.get $q)))
        (local.set $w0 (v128.load (local.get $wb)))
        (local.set $w1 (v128.load offset=16 (local.get $wb)))
        (local.set $w02 (v128.load offset=32 (local.get $wb)))
        (local.set $w12 (v128.load offset=48 (local.get $wb)))
        (local.set $tA0 (f32x4.add (local.get $tA0)
          (f32x4.add (f32x4.mul (local.get $sA) (local.get $w0)) (f32x4.mul (local.get $sA2) (local.get $w02)))))
        (local.set $tA1 (f32x4.add (local.get $tA1)
          (f32x4.add (f32x4.mul (local.get $sA) (local.get $w1)) (f32x4.mul (local.get $sA2) (local.get $w12)))))
        (local.set $tB0 (f32x4.add (local.get $tB0)
          (f32x4.add (f32x4.mul (local.get $sB) (local.get $w0)) (f32x4.mul (local.get $sB2) (local.get $w02)))))
        (local.set $tB1 (f32x4.add (local.get $tB1)
          (f32x4.add (f32x4.mul (local.get $sB) (local.get $w1)) (f32x4.mul (local.get $sB2) (local.get $w12)))))
        (local.set $wb (i32.add (local.get $wb) (i32.const 64)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $row (i32.lt_u (local.get $q) (global.get $end1))))
      ;; column vectors: slots [A0 B0 A1 B1], [A2 B2 A3 B3] -> [A0 A1 A2 A3] (w0), [B0 B1 B2 B3] (w1)
      (local.set $sA (v128.load (local.get $r)))
      (local.set $sB (v128.load offset=16 (local.get $r)))
      (local.set $w0 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sA) (local.get $sB)))
      (local.set $w1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sA) (local.get $sB)))
      (v128.store (i32.const 0) (f32x4.add (v128.load (i32.const 0)) (f32x4.mul (local.get $tA0) (local.get $w0))))
      (v128.store (i32.const 16) (f32x4.add (v128.load (i32.const 16)) (f32x4.mul (local.get $tA1) (local.get $w0))))
      (v128.store (i32.const 32) (f32x4.add (v128.load (i32.const 32)) (f32x4.mul (local.get $tB0) (local.get $w1))))
      (v128.store (i32.const 48) (f32x4.add (v128.load (i32.const 48)) (f32x4.mul (local.get $tB1) (local.get $w1))))
      (local.set $r (i32.add (local.get $r) (i32.const 32)))
      (br_if $col (i32.lt_u (local.get $r) (global.get $end2))))
    (local.set $tA0 (v128.load (i32.const 0)))
    (local.set $tA1 (v128.load (i32.const 16)))
    (local.set $tB0 (v128.load (i32.const 32)))
    (local.set $tB1 (v128.load (i32.const 48)))
    ;; lane sums in a fixed order, (0 + 2) + (1 + 3): w0 = [A0 B0 A1 B1] (particle, output)
    (local.set $sA (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $tA0) (local.get $tB0)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $tA0) (local.get $tB0))))
    (local.set $sB (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $tA1) (local.get $tB1)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $tA1) (local.get $tB1))))
    (local.set $w0 (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sA) (local.get $sB)) (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sA) (local.get $sB))))
    (f64x2.promote_low_f32x4 (local.get $w0))
    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w0) (local.get $w0))))

  ;; Loop order: particles go two at a time (the lanes of a pair), and a block of 64 pairs takes
  ;; each step in turn. A particle's steps are one serial dependency chain some 200 cycles long
  ;; per step (locate, exp, recurrences, contraction, update), so the pairs of a block, which do
  ;; not depend on each other, are what lets the CPU overlap work; the block stays in L1.
  ;; A non-finite state (NaN and infinity fail the `lt inf` test) is recorded as the first step it was seen (the block then stops); other
  ;; blocks still run so the smallest such step over all particles is returned (-1: none).

  ;; Euler (heun = 0) or Heun over all steps for `pairs` pairs of 1D particles at xp; the weights
  ;; of evaluation e start at wp + e * blkB. Gaussian or Fourier rows as the last setup or fsetup
  ;; call chose (one branch per evaluation, always the same way: free next to the work).
  (func (export "run1") (param $xp i32) (param $pairs i32) (param $steps i32) (param $heun i32)
    (param $hp i32) (param $ap i32) (param $wp i32) (result i32)
    (local $b i32) (local $bEnd i32) (local $j i32) (local $ptr i32) (local $k i32) (local $e i32)
    (local $bad i32) (local $wb i32)
    (local $X v128) (local $Y v128) (local $U v128) (local $H v128) (local $H2 v128) (local $Ae v128) (local $An v128)
    (local.set $bad (local.get $steps))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $pairs)))
        (local.set $bEnd (select (i32.add (local.get $b) (i32.const 64)) (local.get $pairs)
          (i32.lt_u (i32.add (local.get $b) (i32.const 64)) (local.get $pairs))))
        (local.set $k (i32.const 0))
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.ge_u (local.get $k) (local.get $steps)))
            (local.set $e (select (i32.shl (local.get $k) (i32.const 1)) (local.get $k) (local.get $heun)))
            (local.set $wb (i32.add (local.get $wp) (i32.mul (local.get $e) (global.get $blkB))))
            (local.set $H (v128.load64_splat (i32.add (local.get $hp) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $H2 (f64x2.mul (local.get $H) (v128.const f64x2 0.5 0.5)))
            (local.set $Ae (v128.load64_splat (i32.add (local.get $ap) (i32.shl (local.get $e) (i32.const 3)))))
            (local.set $An (v128.load64_splat offset=8 (i32.add (local.get $ap) (i32.shl (local.get $e) (i32.const 3)))))
            (local.set $j (local.get $b))
            (loop $pair
              (local.set $ptr (i32.add (local.get $xp) (i32.shl (local.get $j) (i32.const 4))))
              (local.set $X (v128.load (local.get $ptr)))
              (local.set $U (f64x2.add (f64x2.mul (local.get $Ae) (local.get $X)) (if (result v128) (global.get $fourier)
                (then (call $fvel1 (local.get $X) (local.get $wb)))
                (else (call $vel1 (local.get $X) (local.get $wb))))))
              (if (local.get $heun)
                (then
                  (local.set $Y (f64x2.add (local.get $X) (f64x2.mul (local.get $H) (local.get $U))))
                  (local.set $X (f64x2.add (local.get $X) (f64x2.mul (local.get $H2)
                    (f64x2.add (local.get $U) (f64x2.add (f64x2.mul (local.get $An) (local.get $Y))
                      (if (result v128) (global.get $fourier)
                        (then (call $fvel1 (local.get $Y) (i32.add (local.get $wb) (global.get $blkB))))
                        (else (call $vel1 (local.get $Y) (i32.add (local.get $wb) (global.get $blkB)))))))))))
                (else (local.set $X (f64x2.add (local.get $X) (f64x2.mul (local.get $H) (local.get $U))))))
              (v128.store (local.get $ptr) (local.get $X))
              (if (i32.eqz (i64x2.all_true (f64x2.lt (f64x2.abs (local.get $X)) (v128.const f64x2 inf inf))))
                (then (local.set $bad (select (local.get $k) (local.get $bad) (i32.lt_s (local.get $k) (local.get $bad))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $pair (i32.lt_u (local.get $j) (local.get $bEnd))))
            (br_if $stepsDone (i32.le_s (local.get $bad) (local.get $k)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $step)))
        (local.set $b (local.get $bEnd))
        (br $block)))
    (select (i32.const -1) (local.get $bad) (i32.ge_s (local.get $bad) (local.get $steps))))

  ;; 2D (two outputs, blocks blkB apart; evaluation e at wp + 2 e blkB) for `pairs` pairs of
  ;; particles at xp ([x, y] each); swap = 1 when factor 1 reads y. Gaussian or Fourier as run1.
  (func (export "run2") (param $xp i32) (param $pairs i32) (param $steps i32) (param $heun i32)
    (param $hp i32) (param $ap i32) (param $wp i32) (param $swap i32) (result i32)
    (local $b i32) (local $bEnd i32) (local $j i32) (local $ptr i32) (local $k i32) (local $e i32)
    (local $bad i32) (local $wb i32) (local $wn i32)
    (local $va v128) (local $vb v128)
    (local $X0 v128) (local $X1 v128) (local $Y0 v128) (local $Y1 v128) (local $U0 v128) (local $U1 v128)
    (local $M0 v128) (local $M1 v128) (local $H v128) (local $H2 v128) (local $Ae v128) (local $An v128)
    (local.set $bad (local.get $steps))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $b) (local.get $pairs)))
        (local.set $bEnd (select (i32.add (local.get $b) (i32.const 64)) (local.get $pairs)
          (i32.lt_u (i32.add (local.get $b) (i32.const 64)) (local.get $pairs))))
        (local.set $k (i32.const 0))
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.ge_u (local.get $k) (local.get $steps)))
            (local.set $e (select (i32.shl (local.get $k) (i32.const 1)) (local.get $k) (local.get $heun)))
            (local.set $wb (i32.add (local.get $wp) (i32.mul (i32.shl (local.get $e) (i32.const 1)) (global.get $blkB))))
            (local.set $wn (i32.add (local.get $wb) (i32.shl (global.get $blkB) (i32.const 1))))
            (local.set $H (v128.load64_splat (i32.add (local.get $hp) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $H2 (f64x2.mul (local.get $H) (v128.const f64x2 0.5 0.5)))
            (local.set $Ae (v128.load64_splat (i32.add (local.get $ap) (i32.shl (local.get $e) (i32.const 3)))))
            (local.set $An (v128.load64_splat offset=8 (i32.add (local.get $ap) (i32.shl (local.get $e) (i32.const 3)))))
            (local.set $j (local.get $b))
            (loop $pair
              (local.set $ptr (i32.add (local.get $xp) (i32.shl (local.get $j) (i32.const 5))))
              ;; [x_A y_A], [x_B y_B] -> X0 = [x_A x_B], X1 = [y_A y_B] (and back on store)
              (local.set $va (v128.load (local.get $ptr)))
              (local.set $vb (v128.load offset=16 (local.get $ptr)))
              (local.set $X0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $va) (local.get $vb)))
              (local.set $X1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $va) (local.get $vb)))
              (local.set $va (select (local.get $X1) (local.get $X0) (local.get $swap)))
              (local.set $vb (select (local.get $X0) (local.get $X1) (local.get $swap)))
              (if (result v128 v128) (global.get $fourier)
                (then (call $fvel2 (local.get $va) (local.get $vb) (local.get $wb)))
                (else (call $vel2 (local.get $va) (local.get $vb) (local.get $wb))))
              (local.set $M1) (local.set $M0)
              (local.set $U0 (f64x2.add (f64x2.mul (local.get $Ae) (local.get $X0)) (local.get $M0)))
              (local.set $U1 (f64x2.add (f64x2.mul (local.get $Ae) (local.get $X1)) (local.get $M1)))
              (if (local.get $heun)
                (then
                  (local.set $Y0 (f64x2.add (local.get $X0) (f64x2.mul (local.get $H) (local.get $U0))))
                  (local.set $Y1 (f64x2.add (local.get $X1) (f64x2.mul (local.get $H) (local.get $U1))))
                  (local.set $va (select (local.get $Y1) (local.get $Y0) (local.get $swap)))
                  (local.set $vb (select (local.get $Y0) (local.get $Y1) (local.get $swap)))
                  (if (result v128 v128) (global.get $fourier)
                    (then (call $fvel2 (local.get $va) (local.get $vb) (local.get $wn)))
                    (else (call $vel2 (local.get $va) (local.get $vb) (local.get $wn))))
                  (local.set $M1) (local.set $M0)
                  (local.set $X0 (f64x2.add (local.get $X0) (f64x2.mul (local.get $H2)
                    (f64x2.add (local.get $U0) (f64x2.add (f64x2.mul (local.get $An) (local.get $Y0)) (local.get $M0))))))
                  (local.set $X1 (f64x2.add (local.get $X1) (f64x2.mul (local.get $H2)
                    (f64x2.add (local.get $U1) (f64x2.add (f64x2.mul (local.get $An) (local.get $Y1)) (local.get $M1)))))))
                (else
                  (local.set $X0 (f64x2.add (local.get $X0) (f64x2.mul (local.get $H) (local.get $U0))))
                  (local.set $X1 (f64x2.add (local.get $X1) (f64x2.mul (local.get $H) (local.get $U1))))))
              (v128.store (local.get $ptr) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $X0) (local.get $X1)))
              (v128.store offset=16 (local.get $ptr) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $X0) (local.get $X1)))
              (if (i32.eqz (i64x2.all_true (f64x2.lt (f64x2.add (f64x2.abs (local.get $X0)) (f64x2.abs (local.get $X1))) (v128.const f64x2 inf inf))))
                (then (local.set $bad (select (local.get $k) (local.get $bad) (i32.lt_s (local.get $k) (local.get $bad))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $pair (i32.lt_u (local.get $j) (local.get $bEnd))))
            (br_if $stepsDone (i32.le_s (local.get $bad) (local.get $k)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $step)))
        (local.set $b (local.get $bEnd))
        (br $block)))
    (select (i32.const -1) (local.get $bad) (i32.ge_s (local.get $bad) (local.get $steps))))

  ;; ---- Tabulated velocity fields (particles/table.ts): one Euler step of every particle per call.
  ;; The same float64 operations in the same order as the JS loops there (no fused multiply-add),
  ;; so both give the same bits and the JS loops are this code's reference. Particles a call does
  ;; not take (outside the table; in 1D a pair with a lane outside, and the odd last particle) are
  ;; listed at outp as i32 indices for the caller, which takes them by the JS loops; the count is
  ;; returned. Periodic axes have wrap > 0: a coordinate u outside [0, last) with |u| below wrap is
  ;; wrapped into one period, u - G floor(u (1/G)), and tested again.

  ;; 1D, pairs of particles in the lanes: tp = the evaluation's cells [cells, 4] (float64 cubics
  ;; in Horner form), last = cells
  (func (export "tstep1") (param $xp i32) (param $n i32) (param $tp i32) (param $hk f64) (param $ae f64)
    (param $lo f64) (param $invS f64) (param $G f64) (param $last f64) (param $wrap f64) (param $outp i32) (result i32)
    (local $p i32) (local $pairs i32) (local $no i32) (local $ptr i32) (local $c0 i32) (local $c1 i32)
    (local $X v128) (local $U v128) (local $In v128) (local $F v128) (local $I v128) (local $A v128) (local $B v128) (local $C v128) (local $D v128)
    (local $Lo v128) (local $Is v128) (local $Gv v128) (local $Ig v128) (local $La v128) (local $Wr v128) (local $H v128) (local $Ae v128)
    (local.set $Lo (f64x2.splat (local.get $lo)))
    (local.set $Is (f64x2.splat (local.get $invS)))
    (local.set $Gv (f64x2.splat (local.get $G)))
    (local.set $Ig (f64x2.splat (f64.div (f64.const 1) (local.get $G))))
    (local.set $La (f64x2.splat (local.get $last)))
    (local.set $Wr (f64x2.splat (local.get $wrap)))
    (local.set $H (f64x2.splat (local.get $hk)))
    (local.set $Ae (f64x2.splat (local.get $ae)))
    (local.set $pairs (i32.shr_u (local.get $n) (i32.const 1)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $p) (local.get $pairs)))
        (local.set $ptr (i32.add (local.get $xp) (i32.shl (local.get $p) (i32.const 4))))
        (local.set $X (v128.load (local.get $ptr)))
        (local.set $U (f64x2.mul (f64x2.sub (local.get $X) (local.get $Lo)) (local.get $Is)))
        (local.set $In (v128.and (f64x2.ge (local.get $U) (v128.const f64x2 0 0)) (f64x2.lt (local.get $U) (local.get $La))))
        ;; periodic lanes outside [0, last) are wrapped, then tested again
        (if (i32.and (i32.eqz (i64x2.all_true (local.get $In))) (f64.gt (local.get $wrap) (f64.const 0)))
          (then
            (local.set $U (v128.bitselect
              (f64x2.sub (local.get $U) (f64x2.mul (local.get $Gv) (f64x2.floor (f64x2.mul (local.get $U) (local.get $Ig)))))
              (local.get $U)
              (v128.andnot (f64x2.lt (f64x2.abs (local.get $U)) (local.get $Wr)) (local.get $In))))
            (local.set $In (v128.and (f64x2.ge (local.get $U) (v128.const f64x2 0 0)) (f64x2.lt (local.get $U) (local.get $La))))))
        (if (i64x2.all_true (local.get $In))
          (then
            (local.set $I (i32x4.trunc_sat_f64x2_s_zero (local.get $U)))
            (local.set $F (f64x2.sub (local.get $U) (f64x2.convert_low_i32x4_s (local.get $I))))
            (local.set $c0 (i32.add (local.get $tp) (i32.shl (i32x4.extract_lane 0 (local.get $I)) (i32.const 5))))
            (local.set $c1 (i32.add (local.get $tp) (i32.shl (i32x4.extract_lane 1 (local.get $I)) (i32.const 5))))
            ;; [p0 p1] [p2 p3] of each lane's cell -> [p_k(lane 0) p_k(lane 1)]
            (local.set $A (v128.load (local.get $c0)))
            (local.set $B (v128.load (local.get $c1)))
            (local.set $C (v128.load offset=16 (local.get $c0)))
            (local.set $D (v128.load offset=16 (local.get $c1)))
            (v128.store (local.get $ptr) (f64x2.add (local.get $X) (f64x2.mul (local.get $H) (f64x2.add
              (f64x2.mul (local.get $Ae) (local.get $X))
              (f64x2.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $A) (local.get $B))
                (f64x2.mul (local.get $F) (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $A) (local.get $B))
                  (f64x2.mul (local.get $F) (f64x2.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $C) (local.get $D))
                    (f64x2.mul (local.get $F) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $C) (local.get $D)))))))))))))
          (else
            (i32.store (i32.add (local.get $outp) (i32.shl (local.get $no) (i32.const 2))) (i32.shl (local.get $p) (i32.const 1)))
            (i32.store offset=4 (i32.add (local.get $outp) (i32.shl (local.get $no) (i32.const 2)))
              (i32.add (i32.shl (local.get $p) (i32.const 1)) (i32.const 1)))
            (local.set $no (i32.add (local.get $no) (i32.const 2)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (i32.store (i32.add (local.get $outp) (i32.shl (local.get $no) (i32.const 2))) (i32.sub (local.get $n) (i32.const 1)))
        (local.set $no (i32.add (local.get $no) (i32.const 1)))))
    (local.get $no))

  ;; 2D, one particle per iteration with the two outputs in the lanes: tp = the evaluation's
  ;; B-spline coefficient grid [S1, S2, 2] float64, rsB = 16 S2 (bytes per grid row); swap = 1 when
  ;; factor 1 reads y; per factor lo, invS, G, last = cells, wrap. The lanes of U, F and the
  ;; weights are [factor 1, factor 2].
  (func (export "tstep2") (param $xp i32) (param $n i32) (param $tp i32) (param $rsB i32) (param $hk f64) (param $ae f64)
    (param $swap i32)
    (param $lo1 f64) (param $is1 f64) (param $G1 f64) (param $last1 f64) (param $wrap1 f64)
    (param $lo2 f64) (param $is2 f64) (param $G2 f64) (param $last2 f64) (param $wrap2 f64)
    (param $outp i32) (result i32)
    (local $p i32) (local $no i32) (local $ptr i32) (local $c i32) (local $wrap i32)
    (local $X v128) (local $V v128) (local $U v128) (local $In v128) (local $F v128) (local $I v128) (local $F2 v128) (local $F3 v128) (local $Fm v128)
    (local $W0 v128) (local $W1 v128) (local $W2 v128) (local $W3 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $M v128)
    (local $Lo v128) (local $Is v128) (local $Gv v128) (local $Ig v128) (local $La v128) (local $Wr v128) (local $H v128) (local $Ae v128)
    (local.set $Lo (f64x2.replace_lane 1 (f64x2.splat (local.get $lo1)) (local.get $lo2)))
    (local.set $Is (f64x2.replace_lane 1 (f64x2.splat (local.get $is1)) (local.get $is2)))
    (local.set $Gv (f64x2.replace_lane 1 (f64x2.splat (local.get $G1)) (local.get $G2)))
    (local.set $Ig (f64x2.replace_lane 1 (f64x2.splat (f64.div (f64.const 1) (local.get $G1))) (f64.div (f64.const 1) (local.get $G2))))
    (local.set $La (f64x2.replace_lane 1 (f64x2.splat (local.get $last1)) (local.get $last2)))
    (local.set $Wr (f64x2.replace_lane 1 (f64x2.splat (local.get $wrap1)) (local.get $wrap2)))
    (local.set $wrap (i32.or (f64.gt (local.get $wrap1) (f64.const 0)) (f64.gt (local.get $wrap2) (f64.const 0))))
    (local.set $H (f64x2.splat (local.get $hk)))
    (local.set $Ae (f64x2.splat (local.get $ae)))
    (block $done
      (loop $particle
        (br_if $done (i32.ge_u (local.get $p) (local.get $n)))
        (local.set $ptr (i32.add (local.get $xp) (i32.shl (local.get $p) (i32.const 4))))
        (local.set $X (v128.load (local.get $ptr)))
        (local.set $V (select (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $X) (local.get $X)) (local.get $X) (local.get $swap)))
        (local.set $U (f64x2.mul (f64x2.sub (local.get $V) (local.get $Lo)) (local.get $Is)))
        (local.set $In (v128.and (f64x2.ge (local.get $U) (v128.const f64x2 0 0)) (f64x2.lt (local.get $U) (local.get $La))))
        ;; periodic lanes outside [0, last) are wrapped, then tested again
        (if (i32.and (i32.eqz (i64x2.all_true (local.get $In))) (local.get $wrap))
          (then
            (local.set $U (v128.bitselect
              (f64x2.sub (local.get $U) (f64x2.mul (local.get $Gv) (f64x2.floor (f64x2.mul (local.get $U) (local.get $Ig)))))
              (local.get $U)
              (v128.andnot (f64x2.lt (f64x2.abs (local.get $U)) (local.get $Wr)) (local.get $In))))
            (local.set $In (v128.and (f64x2.ge (local.get $U) (v128.const f64x2 0 0)) (f64x2.lt (local.get $U) (local.get $La))))))
        (if (i64x2.all_true (local.get $In))
          (then
            (local.set $I (i32x4.trunc_sat_f64x2_s_zero (local.get $U)))
            (local.set $F (f64x2.sub (local.get $U) (f64x2.convert_low_i32x4_s (local.get $I))))
            (local.set $F2 (f64x2.mul (local.get $F) (local.get $F)))
            (local.set $F3 (f64x2.mul (local.get $F2) (local.get $F)))
            (local.set $Fm (f64x2.sub (v128.const f64x2 1 1) (local.get $F)))
            (local.set $W0 (f64x2.div (f64x2.mul (f64x2.mul (local.get $Fm) (local.get $Fm)) (local.get $Fm)) (v128.const f64x2 6 6)))
            (local.set $W1 (f64x2.add (f64x2.sub (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $F3)) (local.get $F2))
              (v128.const f64x2 0x1.5555555555555p-1 0x1.5555555555555p-1)))
            (local.set $W3 (f64x2.div (local.get $F3) (v128.const f64x2 6 6)))
            (local.set $W2 (f64x2.sub (f64x2.sub (f64x2.sub (v128.const f64x2 1 1) (local.get $W0)) (local.get $W1)) (local.get $W3)))
            (local.set $c (i32.add (i32.add (local.get $tp) (i32.mul (i32x4.extract_lane 0 (local.get $I)) (local.get $rsB)))
              (i32.shl (i32x4.extract_lane 1 (local.get $I)) (i32.const 4))))
            ;; factor 2's weights across a row, factor 1's across the rows
            (local.set $w0 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $W0) (local.get $W0)))
            (local.set $w1 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $W1) (local.get $W1)))
            (local.set $w2 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $W2) (local.get $W2)))
            (local.set $w3 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $W3) (local.get $W3)))
            (local.set $M (f64x2.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $W0) (local.get $W0))
              (f64x2.add (f64x2.add (f64x2.add
              (f64x2.mul (local.get $w0) (v128.load (local.get $c)))
              (f64x2.mul (local.get $w1) (v128.load offset=16 (local.get $c))))
              (f64x2.mul (local.get $w2) (v128.load offset=32 (local.get $c))))
              (f64x2.mul (local.get $w3) (v128.load offset=48 (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (local.get $rsB)))
            (local.set $M (f64x2.add (local.get $M) (f64x2.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $W1) (local.get $W1))
              (f64x2.add (f64x2.add (f64x2.add
              (f64x2.mul (local.get $w0) (v128.load (local.get $c)))
              (f64x2.mul (local.get $w1) (v128.load offset=16 (local.get $c))))
              (f64x2.mul (local.get $w2) (v128.load offset=32 (local.get $c))))
              (f64x2.mul (local.get $w3) (v128.load offset=48 (local.get $c)))))))
            (local.set $c (i32.add (local.get $c) (local.get $rsB)))
            (local.set $M (f64x2.add (local.get $M) (f64x2.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $W2) (local.get $W2))
              (f64x2.add (f64x2.add (f64x2.add
              (f64x2.mul (local.get $w0) (v128.load (local.get $c)))
              (f64x2.mul (local.get $w1) (v128.load offset=16 (local.get $c))))
              (f64x2.mul (local.get $w2) (v128.load offset=32 (local.get $c))))
              (f64x2.mul (local.get $w3) (v128.load offset=48 (local.get $c)))))))
            (local.set $c (i32.add (local.get $c) (local.get $rsB)))
            (local.set $M (f64x2.add (local.get $M) (f64x2.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $W3) (local.get $W3))
              (f64x2.add (f64x2.add (f64x2.add
              (f64x2.mul (local.get $w0) (v128.load (local.get $c)))
              (f64x2.mul (local.get $w1) (v128.load offset=16 (local.get $c))))
              (f64x2.mul (local.get $w2) (v128.load offset=32 (local.get $c))))
              (f64x2.mul (local.get $w3) (v128.load offset=48 (local.get $c)))))))
            (v128.store (local.get $ptr) (f64x2.add (local.get $X) (f64x2.mul (local.get $H)
              (f64x2.add (f64x2.mul (local.get $Ae) (local.get $X)) (local.get $M))))))
          (else
            (i32.store (i32.add (local.get $outp) (i32.shl (local.get $no) (i32.const 2))) (local.get $p))
            (local.set $no (i32.add (local.get $no) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $particle)))
    (local.get $no))


  ;; Exact-score PF-ODE, 1D, one Euler step of n particles (particles/exact-score.ts integrateExact
  ;; with velocities1): two particles per vector, the JS loop's float64 operations in its order, so
  ;; the same bits. yp: states [n]; pp, lp: the M points and their log weights; gp: [M] pairs of
  ;; logits (scratch); tp, p2p: exp.ts's tables T [64] and POW2 [2099] as JS made them; inv, hi, lo:
  ;; its constants 64/ln2, ln2/64 in two parts. Skipped weights (logit below the largest by more
  ;; than 37) add zero instead of nothing: the same sums. Returns 0 when a new state is not finite.
  (func (export "xstep1") (param $yp i32) (param $n i32) (param $M i32) (param $pp i32) (param $lp i32) (param $gp i32)
    (param $tp i32) (param $p2p i32) (param $inv f64) (param $hi f64) (param $lo f64)
    (param $alpha f64) (param $beta f64) (param $c f64) (param $inv2s2 f64) (param $h f64) (result i32)
    (local $q i32) (local $m i32) (local $ptr i32) (local $k0 i32) (local $k1 i32) (local $bad v128)
    (local $X v128) (local $MX v128) (local $D v128) (local $L v128) (local $U v128) (local $KF v128) (local $R v128)
    (local $K v128) (local $E v128) (local $Z v128) (local $S v128) (local $P v128) (local $Y v128) (local $A v128)
    (local.set $A (f64x2.splat (local.get $alpha)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $q) (local.get $n)))
        (local.set $ptr (i32.add (local.get $yp) (i32.shl (local.get $q) (i32.const 3))))
        ;; an odd last particle fills both lanes; lane 1 is not stored
        (local.set $X (if (result v128) (i32.lt_u (i32.add (local.get $q) (i32.const 1)) (local.get $n))
          (then (v128.load (local.get $ptr)))
          (else (v128.load64_splat (local.get $ptr)))))
        (local.set $MX (v128.const f64x2 -inf -inf))
        (local.set $m (i32.const 0))
        (block $lDone
          (loop $logits
            (br_if $lDone (i32.ge_u (local.get $m) (local.get $M)))
            (local.set $D (f64x2.sub (local.get $X)
              (f64x2.splat (f64.mul (local.get $alpha) (f64.load (i32.add (local.get $pp) (i32.shl (local.get $m) (i32.const 3))))))))
            (local.set $L (f64x2.sub (v128.load64_splat (i32.add (local.get $lp) (i32.shl (local.get $m) (i32.const 3))))
              (f64x2.mul (f64x2.mul (local.get $D) (local.get $D)) (f64x2.splat (local.get $inv2s2)))))
            (v128.store (i32.add (local.get $gp) (i32.shl (local.get $m) (i32.const 4))) (local.get $L))
            (local.set $MX (v128.bitselect (local.get $L) (local.get $MX) (f64x2.gt (local.get $L) (local.get $MX))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $logits)))
        (local.set $Z (v128.const f64x2 0 0))
        (local.set $S (v128.const f64x2 0 0))
        (local.set $m (i32.const 0))
        (block $wDone
          (loop $weights
            (br_if $wDone (i32.ge_u (local.get $m) (local.get $M)))
            (local.set $U (f64x2.sub (v128.load (i32.add (local.get $gp) (i32.shl (local.get $m) (i32.const 4)))) (local.get $MX)))
            ;; exp.ts expNonPositive: clamp at -708, then tableExp
            (local.set $E (v128.bitselect (v128.const f64x2 -708 -708) (local.get $U)
              (f64x2.lt (local.get $U) (v128.const f64x2 -708 -708))))
            (local.set $KF (f64x2.floor (f64x2.add (f64x2.mul (local.get $E) (f64x2.splat (local.get $inv))) (v128.const f64x2 0.5 0.5))))
            (local.set $R (f64x2.sub (f64x2.sub (local.get $E) (f64x2.mul (local.get $KF) (f64x2.splat (local.get $hi))))
              (f64x2.mul (local.get $KF) (f64x2.splat (local.get $lo)))))
            (local.set $K (i32x4.trunc_sat_f64x2_s_zero (local.get $KF)))
            (local.set $k0 (i32x4.extract_lane 0 (local.get $K)))
            (local.set $k1 (i32x4.extract_lane 1 (local.get $K)))
            (local.set $E (f64x2.mul
              (f64x2.replace_lane 1
                (f64x2.splat (f64.load (i32.add (local.get $p2p) (i32.shl (i32.add (i32.shr_s (local.get $k0) (i32.const 6)) (i32.const 1075)) (i32.const 3)))))
                (f64.load (i32.add (local.get $p2p) (i32.shl (i32.add (i32.shr_s (local.get $k1) (i32.const 6)) (i32.const 1075)) (i32.const 3)))))
              (f64x2.mul
                (f64x2.replace_lane 1
                  (f64x2.splat (f64.load (i32.add (local.get $tp) (i32.shl (i32.and (local.get $k0) (i32.const 63)) (i32.const 3)))))
                  (f64.load (i32.add (local.get $tp) (i32.shl (i32.and (local.get $k1) (i32.const 63)) (i32.const 3)))))
                (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R)
                  (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R)
                    (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $R)
                      (f64x2.add (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3) (f64x2.mul (local.get $R)
                        (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)
                          (f64x2.mul (local.get $R) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))))))))))))))
            (local.set $E (v128.andnot (local.get $E) (f64x2.lt (local.get $U) (v128.const f64x2 -37 -37))))
            (local.set $P (f64x2.splat (f64.load (i32.add (local.get $pp) (i32.shl (local.get $m) (i32.const 3))))))
            (local.set $Z (f64x2.add (local.get $Z) (local.get $E)))
            (local.set $S (f64x2.add (local.get $S) (f64x2.mul (local.get $E) (local.get $P))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $weights)))
        (local.set $Y (f64x2.add (local.get $X) (f64x2.mul (f64x2.splat (local.get $h))
          (f64x2.add (f64x2.mul (f64x2.splat (local.get $beta)) (local.get $X))
            (f64x2.mul (f64x2.splat (local.get $c))
              (f64x2.sub (f64x2.div (f64x2.mul (local.get $A) (local.get $S)) (local.get $Z)) (local.get $X)))))))
        (if (i32.lt_u (i32.add (local.get $q) (i32.const 1)) (local.get $n))
          (then
            (v128.store (local.get $ptr) (local.get $Y))
            (local.set $bad (v128.or (local.get $bad) (f64x2.ne (f64x2.sub (local.get $Y) (local.get $Y)) (v128.const f64x2 0 0)))))
          (else
            (f64.store (local.get $ptr) (f64x2.extract_lane 0 (local.get $Y)))
            (local.set $bad (v128.or (local.get $bad) (v128.and (f64x2.ne (f64x2.sub (local.get $Y) (local.get $Y)) (v128.const f64x2 0 0))
              (v128.const i64x2 -1 0))))))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))
        (br $pair)))
    (i32.eqz (v128.any_true (local.get $bad))))

  ;; 1D table build, one evaluation (particles/table.ts cells1): the B-spline coefficients c[r] =
  ;; sum over i of A[r, i] W[i], from zero, i ascending: the JS loop's order. Eight rows at a time,
  ;; four independent sums of two rows each (A's rows interleaved in pairs, [pairs, n, 2]; pairs a
  ;; multiple of 4), so the additions do not wait on each other.
  (func (export "tcoef1") (param $cp i32) (param $ap i32) (param $wp i32) (param $pairs i32) (param $n i32)
    (local $q i32) (local $i i32) (local $a i32) (local $w i32) (local $S i32) (local $W v128)
    (local $V0 v128) (local $V1 v128) (local $V2 v128) (local $V3 v128)
    (local.set $S (i32.shl (local.get $n) (i32.const 4)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $q) (local.get $pairs)))
        (local.set $V0 (v128.const i64x2 0 0))
        (local.set $V1 (v128.const i64x2 0 0))
        (local.set $V2 (v128.const i64x2 0 0))
        (local.set $V3 (v128.const i64x2 0 0))
        (local.set $a (i32.add (local.get $ap) (i32.mul (local.get $q) (local.get $S))))
        (local.set $w (local.get $wp))
        (local.set $i (i32.const 0))
        (block $termsDone
          (loop $terms
            (br_if $termsDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $W (v128.load64_splat (local.get $w)))
            (local.set $V0 (f64x2.add (local.get $V0) (f64x2.mul (v128.load (local.get $a)) (local.get $W))))
            (local.set $V1 (f64x2.add (local.get $V1)
              (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $S))) (local.get $W))))
            (local.set $V2 (f64x2.add (local.get $V2)
              (f64x2.mul (v128.load (i32.add (local.get $a) (i32.shl (local.get $S) (i32.const 1)))) (local.get $W))))
            (local.set $V3 (f64x2.add (local.get $V3)
              (f64x2.mul (v128.load (i32.add (local.get $a) (i32.mul (local.get $S) (i32.const 3)))) (local.get $W))))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $w (i32.add (local.get $w) (i32.const 8)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $terms)))
        (local.set $a (i32.add (local.get $cp) (i32.shl (local.get $q) (i32.const 4))))
        (v128.store (local.get $a) (local.get $V0))
        (v128.store offset=16 (local.get $a) (local.get $V1))
        (v128.store offset=32 (local.get $a) (local.get $V2))
        (v128.store offset=48 (local.get $a) (local.get $V3))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $rows))))

  ;; 2D table build, one evaluation (particles/table.ts grid2): grid row q of out [S1, rs] (rs =
  ;; 2 S2 doubles) = sum over i in span[q] = [lo, hi) of A[q, i] T[i, :] (A [S1, n1], T [n1, rs]),
  ;; from zero, i ascending, zero entries of A skipped: the JS loop's order.
  (func (export "tgrid") (param $outp i32) (param $tp i32) (param $ap i32) (param $spanp i32) (param $S1 i32)
    (param $n1 i32) (param $rs i32)
    (local $q i32) (local $i i32) (local $hi i32) (local $row i32) (local $src i32) (local $k i32) (local $end i32)
    (local $a f64) (local $A v128)
    (local.set $end (i32.shl (local.get $rs) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $q) (local.get $S1)))
        (local.set $row (i32.add (local.get $outp) (i32.mul (local.get $q) (local.get $end))))
        (local.set $k (i32.const 0))
        (block $zeroed
          (loop $zero
            (br_if $zeroed (i32.ge_u (local.get $k) (local.get $end)))
            (v128.store (i32.add (local.get $row) (local.get $k)) (v128.const i64x2 0 0))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $zero)))
        (local.set $i (i32.load (i32.add (local.get $spanp) (i32.shl (local.get $q) (i32.const 3)))))
        (local.set $hi (i32.load offset=4 (i32.add (local.get $spanp) (i32.shl (local.get $q) (i32.const 3)))))
        (block $termsDone
          (loop $terms
            (br_if $termsDone (i32.ge_s (local.get $i) (local.get $hi)))
            (local.set $a (f64.load (i32.add (local.get $ap)
              (i32.shl (i32.add (i32.mul (local.get $q) (local.get $n1)) (local.get $i)) (i32.const 3)))))
            (if (f64.ne (local.get $a) (f64.const 0))
              (then
                (local.set $A (f64x2.splat (local.get $a)))
                (local.set $src (i32.add (local.get $tp) (i32.mul (local.get $i) (local.get $end))))
                (local.set $k (i32.const 0))
                (block $axpyDone
                  (loop $axpy
                    (br_if $axpyDone (i32.ge_u (local.get $k) (local.get $end)))
                    (v128.store (i32.add (local.get $row) (local.get $k))
                      (f64x2.add (v128.load (i32.add (local.get $row) (local.get $k)))
                        (f64x2.mul (local.get $A) (v128.load (i32.add (local.get $src) (local.get $k))))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $axpy)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $terms)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $rows)))))
