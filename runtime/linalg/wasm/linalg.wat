;; Dense float64 Cholesky factor and SPD inverse in WebAssembly SIMD128 (runtime/linalg/wasm/
;; linalg.ts loads it; `npm run build:wasm` turns this text into linalg-bytes.ts), and two kernels
;; of the V-kernel population at the end: leverages of a group of points ($lev) and a group's
;; share of the Kronecker Gram ($gram), register-blocked the same way.
;;
;; Both work on an s x s row-major matrix, s a multiple of 4 (the caller pads with the identity),
;; rows 32-byte aligned (row stride $sb = 8 s bytes). All the O(n^3) work is one kernel, $blk:
;; the 4 x 2 dot products of four consecutive rows with two consecutive rows over a contiguous
;; range, 8 f64x2 accumulators. Each pair of loaded vectors feeds 8 multiply-adds (instead of one
;; for a single dot product), so the loop is bound by the floating-point units, not by loads, and
;; the streamed rows are read once per four rows instead of once per row. Plain f64x2 mul and add
;; (no relaxed SIMD, no fused multiply-add): the same bits on every machine and thread.
;;
;; Scratch [0, 128): $blk's 4 x 4 block of sums, row r at byte 32 r ($gram's too).
(module
  (memory (export "memory") 1)

  (global $sb (mut i32) (i32.const 0))

  ;; out[r][c] (c = 0, 1; row r at out + 32 r) = sum_{m < len} P[r][m] Q[c][m] for the rows
  ;; P[r] = pj + r sb and Q[c] = pk + c sb; len even. Each accumulator holds the even-index and the
  ;; odd-index partial sums; they are added at the end (a fixed order).
  (func $blk (param $pj i32) (param $pk i32) (param $len i32) (param $out i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $q0 i32) (local $q1 i32)
    (local $end i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $p0 (local.get $pj))
    (local.set $p1 (i32.add (local.get $p0) (global.get $sb)))
    (local.set $p2 (i32.add (local.get $p1) (global.get $sb)))
    (local.set $p3 (i32.add (local.get $p2) (global.get $sb)))
    (local.set $q0 (local.get $pk))
    (local.set $q1 (i32.add (local.get $q0) (global.get $sb)))
    ;; four columns per pass, then the remaining two
    (local.set $end (i32.add (local.get $pj) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        (local.set $b0 (v128.load (local.get $q0)))
        (local.set $b1 (v128.load (local.get $q1)))
        (local.set $a (v128.load (local.get $p0)))
        (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load (local.get $p1)))
        (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load (local.get $p2)))
        (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load (local.get $p3)))
        (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $b0 (v128.load offset=16 (local.get $q0)))
        (local.set $b1 (v128.load offset=16 (local.get $q1)))
        (local.set $a (v128.load offset=16 (local.get $p0)))
        (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load offset=16 (local.get $p1)))
        (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load offset=16 (local.get $p2)))
        (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load offset=16 (local.get $p3)))
        (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 32)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 32)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 32)))
        (local.set $q0 (i32.add (local.get $q0) (i32.const 32)))
        (local.set $q1 (i32.add (local.get $q1) (i32.const 32)))
        (br $next)))
    (if (i32.and (local.get $len) (i32.const 2))
      (then
        (local.set $b0 (v128.load (local.get $q0)))
        (local.set $b1 (v128.load (local.get $q1)))
        (local.set $a (v128.load (local.get $p0)))
        (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load (local.get $p1)))
        (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load (local.get $p2)))
        (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load (local.get $p3)))
        (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $a) (local.get $b1))))))
    (f64.store (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00))))
    (f64.store offset=8 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01))))
    (f64.store offset=32 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10))))
    (f64.store offset=40 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11))))
    (f64.store offset=64 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s20)) (f64x2.extract_lane 1 (local.get $s20))))
    (f64.store offset=72 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s21)) (f64x2.extract_lane 1 (local.get $s21))))
    (f64.store offset=96 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s30)) (f64x2.extract_lane 1 (local.get $s30))))
    (f64.store offset=104 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s31)) (f64x2.extract_lane 1 (local.get $s31)))))

  ;; Cholesky A = L L^T in place (lower triangle of the s x s matrix at $base; the upper triangle
  ;; is neither read nor written). Rows in blocks of four, left-looking (Crout): a block's entries
  ;; left of its diagonal block, two columns at a time, from $blk's sums over the columns before
  ;; (dots of finished rows), then the 4 x 4 diagonal block by scalar Crout. Returns 0 at the first
  ;; pivot that is not > 0 (NaN included), rows in order as linalg/cholesky.ts; 1 on success.
  (func (export "chol") (param $base i32) (param $s i32) (result i32)
    (local $j0 i32) (local $kb i32) (local $pj i32) (local $pk i32) (local $p i32)
    (local $r i32) (local $c i32) (local $m i32) (local $prow i32) (local $pc i32)
    (local $lkk f64) (local $l1k f64) (local $l11 f64) (local $x f64) (local $t f64)
    (global.set $sb (i32.shl (local.get $s) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $j0) (local.get $s)))
        (local.set $pj (i32.add (local.get $base) (i32.mul (local.get $j0) (global.get $sb))))
        ;; columns [kb, kb + 2) of the block's four rows, kb < j0
        (local.set $kb (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $kb) (local.get $j0)))
            (local.set $pk (i32.add (local.get $base) (i32.mul (local.get $kb) (global.get $sb))))
            (call $blk (local.get $pj) (local.get $pk) (local.get $kb) (i32.const 0))
            (local.set $p (i32.add (local.get $pk) (i32.shl (local.get $kb) (i32.const 3))))
            (local.set $lkk (f64.load (local.get $p)))
            (local.set $l1k (f64.load (i32.add (local.get $p) (global.get $sb))))
            (local.set $l11 (f64.load offset=8 (i32.add (local.get $p) (global.get $sb))))
            (local.set $r (i32.const 0))
            (loop $blockRows
              (local.set $p (i32.add (i32.add (local.get $pj) (i32.mul (local.get $r) (global.get $sb)))
                (i32.shl (local.get $kb) (i32.const 3))))
              (local.set $x (f64.div
                (f64.sub (f64.load (local.get $p)) (f64.load (i32.shl (local.get $r) (i32.const 5))))
                (local.get $lkk)))
              (f64.store (local.get $p) (local.get $x))
              (f64.store offset=8 (local.get $p) (f64.div
                (f64.sub
                  (f64.sub (f64.load offset=8 (local.get $p)) (f64.load offset=8 (i32.shl (local.get $r) (i32.const 5))))
                  (f64.mul (local.get $x) (local.get $l1k)))
                (local.get $l11)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $blockRows (i32.lt_u (local.get $r) (i32.const 4))))
            (local.set $kb (i32.add (local.get $kb) (i32.const 2)))
            (br $cols)))
        ;; the diagonal block: sums over the columns before it, then Crout within it
        (call $blk (local.get $pj) (local.get $pj) (local.get $j0) (i32.const 0))
        (call $blk (local.get $pj) (i32.add (local.get $pj) (i32.shl (global.get $sb) (i32.const 1)))
          (local.get $j0) (i32.const 16))
        (local.set $r (i32.const 0))
        (loop $diagRows
          (local.set $prow (i32.add (i32.add (local.get $pj) (i32.mul (local.get $r) (global.get $sb)))
            (i32.shl (local.get $j0) (i32.const 3))))
          (local.set $c (i32.const 0))
          (loop $diagCols
            (local.set $pc (i32.add (i32.add (local.get $pj) (i32.mul (local.get $c) (global.get $sb)))
              (i32.shl (local.get $j0) (i32.const 3))))
            (local.set $t (f64.sub
              (f64.load (i32.add (local.get $prow) (i32.shl (local.get $c) (i32.const 3))))
              (f64.load (i32.add (i32.shl (local.get $r) (i32.const 5)) (i32.shl (local.get $c) (i32.const 3))))))
            (local.set $m (i32.const 0))
            (block $dotDone
              (loop $dot
                (br_if $dotDone (i32.ge_u (local.get $m) (local.get $c)))
                (local.set $t (f64.sub (local.get $t) (f64.mul
                  (f64.load (i32.add (local.get $prow) (i32.shl (local.get $m) (i32.const 3))))
                  (f64.load (i32.add (local.get $pc) (i32.shl (local.get $m) (i32.const 3)))))))
                (local.set $m (i32.add (local.get $m) (i32.const 1)))
                (br $dot)))
            (if (i32.lt_u (local.get $c) (local.get $r))
              (then
                (f64.store (i32.add (local.get $prow) (i32.shl (local.get $c) (i32.const 3)))
                  (f64.div (local.get $t) (f64.load (i32.add (local.get $pc) (i32.shl (local.get $c) (i32.const 3)))))))
              (else
                (if (i32.eqz (f64.gt (local.get $t) (f64.const 0))) (then (return (i32.const 0))))
                (f64.store (i32.add (local.get $prow) (i32.shl (local.get $c) (i32.const 3))) (f64.sqrt (local.get $t)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $diagCols (i32.le_u (local.get $c) (local.get $r))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $diagRows (i32.lt_u (local.get $r) (i32.const 4))))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 4)))
        (br $rows)))
    (i32.const 1))

  ;; A^{-1} = L^{-T} L^{-1} from the lower factor L at $lb (upper triangle not read). First
  ;; U = L^{-T} (upper triangular, at $ub; its strictly lower part is zero inside the diagonal
  ;; blocks, never read elsewhere): row c of U is row c of L^{-1}'s transpose, so
  ;; U[c, i] = -(sum_{c <= k < i} U[c, k] L[i, k]) / L[i, i] is a dot of two rows. Then
  ;; A^{-1}[a, b] = sum_{k >= max(a, b)} U[a, k] U[b, k], again dots of rows, written to both
  ;; triangles of the matrix at $lb (L is no longer needed). U rows in blocks of four, the other
  ;; rows two at a time, all through $blk.
  (func (export "inv") (param $lb i32) (param $ub i32) (param $s i32)
    (local $c0 i32) (local $i i32) (local $uc i32) (local $li i32) (local $p i32) (local $pl i32)
    (local $r i32) (local $q i32) (local $k i32) (local $b i32)
    (local $lii f64) (local $l1 f64) (local $l11 f64) (local $x f64) (local $t f64)
    (global.set $sb (i32.shl (local.get $s) (i32.const 3)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $c0) (local.get $s)))
        (local.set $uc (i32.add (local.get $ub) (i32.mul (local.get $c0) (global.get $sb))))
        ;; diagonal block of U: rows c = c0 + r, columns i = c0 + q
        (local.set $r (i32.const 0))
        (loop $diagRows
          (local.set $p (i32.add (i32.add (local.get $uc) (i32.mul (local.get $r) (global.get $sb)))
            (i32.shl (local.get $c0) (i32.const 3))))
          (local.set $q (i32.const 0))
          (loop $diagCols
            (local.set $pl (i32.add (i32.add (local.get $lb) (i32.mul (i32.add (local.get $c0) (local.get $q)) (global.get $sb)))
              (i32.shl (local.get $c0) (i32.const 3))))
            (if (i32.lt_u (local.get $q) (local.get $r))
              (then (f64.store (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 3))) (f64.const 0)))
              (else
                (local.set $t (f64.const 0))
                (local.set $k (local.get $r))
                (block $dotDone
                  (loop $dot
                    (br_if $dotDone (i32.ge_u (local.get $k) (local.get $q)))
                    (local.set $t (f64.add (local.get $t) (f64.mul
                      (f64.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 3))))
                      (f64.load (i32.add (local.get $pl) (i32.shl (local.get $k) (i32.const 3)))))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $dot)))
                (f64.store (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 3)))
                  (select
                    (f64.div (f64.const 1) (f64.load (i32.add (local.get $pl) (i32.shl (local.get $q) (i32.const 3)))))
                    (f64.div (f64.neg (local.get $t)) (f64.load (i32.add (local.get $pl) (i32.shl (local.get $q) (i32.const 3)))))
                    (i32.eq (local.get $q) (local.get $r))))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br_if $diagCols (i32.lt_u (local.get $q) (i32.const 4))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $diagRows (i32.lt_u (local.get $r) (i32.const 4))))
        ;; columns [i, i + 2) right of the diagonal block
        (local.set $i (i32.add (local.get $c0) (i32.const 4)))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $i) (local.get $s)))
            (local.set $li (i32.add (local.get $lb) (i32.mul (local.get $i) (global.get $sb))))
            (call $blk
              (i32.add (local.get $uc) (i32.shl (local.get $c0) (i32.const 3)))
              (i32.add (local.get $li) (i32.shl (local.get $c0) (i32.const 3)))
              (i32.sub (local.get $i) (local.get $c0))
              (i32.const 0))
            (local.set $p (i32.add (local.get $li) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $lii (f64.load (local.get $p)))
            (local.set $l1 (f64.load (i32.add (local.get $p) (global.get $sb))))
            (local.set $l11 (f64.load offset=8 (i32.add (local.get $p) (global.get $sb))))
            (local.set $r (i32.const 0))
            (loop $blockRows
              (local.set $p (i32.add (i32.add (local.get $uc) (i32.mul (local.get $r) (global.get $sb)))
                (i32.shl (local.get $i) (i32.const 3))))
              (local.set $x (f64.div (f64.neg (f64.load (i32.shl (local.get $r) (i32.const 5)))) (local.get $lii)))
              (f64.store (local.get $p) (local.get $x))
              (f64.store offset=8 (local.get $p) (f64.div
                (f64.neg (f64.add (f64.load offset=8 (i32.shl (local.get $r) (i32.const 5)))
                  (f64.mul (local.get $x) (local.get $l1))))
                (local.get $l11)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $blockRows (i32.lt_u (local.get $r) (i32.const 4))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $cols)))
        (local.set $c0 (i32.add (local.get $c0) (i32.const 4)))
        (br $blocks)))
    ;; A^{-1} rows a0 + r against rows b, b + 1 (b <= a0 + 2) over the columns [a0, s)
    (local.set $c0 (i32.const 0))
    (block $outDone
      (loop $out
        (br_if $outDone (i32.ge_u (local.get $c0) (local.get $s)))
        (local.set $uc (i32.add (i32.add (local.get $ub) (i32.mul (local.get $c0) (global.get $sb)))
          (i32.shl (local.get $c0) (i32.const 3))))
        (local.set $b (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $b) (i32.add (local.get $c0) (i32.const 4))))
            (call $blk (local.get $uc)
              (i32.add (i32.add (local.get $ub) (i32.mul (local.get $b) (global.get $sb))) (i32.shl (local.get $c0) (i32.const 3)))
              (i32.sub (local.get $s) (local.get $c0))
              (i32.const 0))
            (local.set $r (i32.const 0))
            (loop $write
              ;; X[a0 + r, b + q] and X[b + q, a0 + r]
              (local.set $q (i32.const 0))
              (loop $writeCols
                (local.set $t (f64.load (i32.add (i32.shl (local.get $r) (i32.const 5)) (i32.shl (local.get $q) (i32.const 3)))))
                (f64.store (i32.add (i32.add (local.get $lb) (i32.mul (i32.add (local.get $c0) (local.get $r)) (global.get $sb)))
                  (i32.shl (i32.add (local.get $b) (local.get $q)) (i32.const 3))) (local.get $t))
                (f64.store (i32.add (i32.add (local.get $lb) (i32.mul (i32.add (local.get $b) (local.get $q)) (global.get $sb)))
                  (i32.shl (i32.add (local.get $c0) (local.get $r)) (i32.const 3))) (local.get $t))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br_if $writeCols (i32.lt_u (local.get $q) (i32.const 2))))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $write (i32.lt_u (local.get $r) (i32.const 4))))
            (local.set $b (i32.add (local.get $b) (i32.const 2)))
            (br $pairs)))
        (local.set $c0 (i32.add (local.get $c0) (i32.const 4)))
        (br $out))))

  ;; Leverages h_k = v_k^T B v_k of a group of points sharing n columns c_q (vkernel/leverage.ts),
  ;; B = A[c, c] from the dense symmetric A [F, F] at $a. Four points at a time (two f64x2 per
  ;; row) against four rows of B: each loaded entry of B feeds four points, each loaded vector of
  ;; values four rows (8 accumulators), where one point at a time loaded an entry per multiply-add.
  ;; Only the triangle is used: h = 2 sum_p v_p (B_pp / 2 v_p + sum_{q > p} B_pq v_q) (the halving
  ;; and doubling are exact). $v: the values V [n4, gs] (row q: column c_q of every point; gs and
  ;; n4 = n rounded up, multiples of 4; padding zero). $w: scratch for W [n, n4], W[q, p] =
  ;; B_pq (p < q), B_qq / 2 (p = q), 0 up to the end of q's block of four; rebuilt only when $build
  ;; is not 0 (a caller passing more points with the same columns keeps it). Out: h [gs] at $h.
  (func (export "lev") (param $a i32) (param $F i32) (param $cols i32) (param $n i32) (param $build i32)
    (param $v i32) (param $gs i32) (param $w i32) (param $h i32)
    (local $n4 i32) (local $wb i32) (local $gb i32) (local $q i32) (local $p i32) (local $end i32)
    (local $rowA i32) (local $pw i32) (local $p0 i32) (local $k0 i32) (local $pq i32) (local $pv i32)
    (local $b v128) (local $v0 v128) (local $v1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $n4 (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)))
    (local.set $wb (i32.shl (local.get $n4) (i32.const 3)))
    (local.set $gb (i32.shl (local.get $gs) (i32.const 3)))
    (if (local.get $build)
      (then
        (local.set $q (i32.const 0))
        (block $wDone
          (loop $wRows
            (br_if $wDone (i32.ge_u (local.get $q) (local.get $n)))
            (local.set $rowA (i32.add (local.get $a) (i32.shl
              (i32.mul (i32.load (i32.add (local.get $cols) (i32.shl (local.get $q) (i32.const 2)))) (local.get $F))
              (i32.const 3))))
            (local.set $pw (i32.add (local.get $w) (i32.mul (local.get $q) (local.get $wb))))
            (local.set $p (i32.const 0))
            (block $pDone
              (loop $pLoop
                (br_if $pDone (i32.ge_u (local.get $p) (local.get $q)))
                (f64.store (i32.add (local.get $pw) (i32.shl (local.get $p) (i32.const 3)))
                  (f64.load (i32.add (local.get $rowA)
                    (i32.shl (i32.load (i32.add (local.get $cols) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $pLoop)))
            (f64.store (i32.add (local.get $pw) (i32.shl (local.get $q) (i32.const 3)))
              (f64.mul (f64.const 0.5) (f64.load (i32.add (local.get $rowA)
                (i32.shl (i32.load (i32.add (local.get $cols) (i32.shl (local.get $q) (i32.const 2)))) (i32.const 3))))))
            (local.set $p (i32.add (local.get $q) (i32.const 1)))
            (local.set $end (i32.add (i32.and (local.get $q) (i32.const -4)) (i32.const 4)))
            (block $zDone
              (loop $zLoop
                (br_if $zDone (i32.ge_u (local.get $p) (local.get $end)))
                (f64.store (i32.add (local.get $pw) (i32.shl (local.get $p) (i32.const 3))) (f64.const 0))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $zLoop)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $wRows)))))
    (memory.fill (local.get $h) (i32.const 0) (local.get $gb))
    ;; h[k0 .. k0 + 4) += sum_i V[p0 + i, k] sum_{q >= p0} W[q, p0 + i] V[q, k], blocks p0 in order
    (local.set $p0 (i32.const 0))
    (block $pbDone
      (loop $pBlocks
        (br_if $pbDone (i32.ge_u (local.get $p0) (local.get $n)))
        (local.set $k0 (i32.const 0))
        (block $kDone
          (loop $kBlocks
            (br_if $kDone (i32.ge_u (local.get $k0) (local.get $gs)))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0))
            (local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0))
            (local.set $pq (i32.add (local.get $w)
              (i32.add (i32.mul (local.get $p0) (local.get $wb)) (i32.shl (local.get $p0) (i32.const 3)))))
            (local.set $pv (i32.add (local.get $v)
              (i32.add (i32.mul (local.get $p0) (local.get $gb)) (i32.shl (local.get $k0) (i32.const 3)))))
            (local.set $end (i32.add (local.get $v)
              (i32.add (i32.mul (local.get $n) (local.get $gb)) (i32.shl (local.get $k0) (i32.const 3)))))
            (block $qDone
              (loop $qLoop
                (br_if $qDone (i32.ge_u (local.get $pv) (local.get $end)))
                (local.set $v0 (v128.load (local.get $pv)))
                (local.set $v1 (v128.load offset=16 (local.get $pv)))
                (local.set $b (v128.load64_splat (local.get $pq)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $b) (local.get $v0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $b) (local.get $v1))))
                (local.set $b (v128.load64_splat offset=8 (local.get $pq)))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $b) (local.get $v0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $b) (local.get $v1))))
                (local.set $b (v128.load64_splat offset=16 (local.get $pq)))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $b) (local.get $v0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $b) (local.get $v1))))
                (local.set $b (v128.load64_splat offset=24 (local.get $pq)))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $b) (local.get $v0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $b) (local.get $v1))))
                (local.set $pq (i32.add (local.get $pq) (local.get $wb)))
                (local.set $pv (i32.add (local.get $pv) (local.get $gb)))
                (br $qLoop)))
            ;; the block's four rows of V (zero beyond n), row i against sums s_i
            (local.set $pv (i32.add (local.get $v)
              (i32.add (i32.mul (local.get $p0) (local.get $gb)) (i32.shl (local.get $k0) (i32.const 3)))))
            (local.set $pq (i32.add (local.get $h) (i32.shl (local.get $k0) (i32.const 3))))
            (local.set $v0 (v128.load (local.get $pq)))
            (local.set $v1 (v128.load offset=16 (local.get $pq)))
            (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (v128.load (local.get $pv)) (local.get $s00))))
            (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (v128.load offset=16 (local.get $pv)) (local.get $s01))))
            (local.set $pv (i32.add (local.get $pv) (local.get $gb)))
            (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (v128.load (local.get $pv)) (local.get $s10))))
            (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (v128.load offset=16 (local.get $pv)) (local.get $s11))))
            (local.set $pv (i32.add (local.get $pv) (local.get $gb)))
            (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (v128.load (local.get $pv)) (local.get $s20))))
            (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (v128.load offset=16 (local.get $pv)) (local.get $s21))))
            (local.set $pv (i32.add (local.get $pv) (local.get $gb)))
            (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (v128.load (local.get $pv)) (local.get $s30))))
            (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (v128.load offset=16 (local.get $pv)) (local.get $s31))))
            (v128.store (local.get $pq) (local.get $v0))
            (v128.store offset=16 (local.get $pq) (local.get $v1))
            (local.set $k0 (i32.add (local.get $k0) (i32.const 4)))
            (br $kBlocks)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (br $pBlocks)))
    (local.set $k0 (i32.const 0))
    (block $dDone
      (loop $double
        (br_if $dDone (i32.ge_u (local.get $k0) (local.get $gb)))
        (local.set $pq (i32.add (local.get $h) (local.get $k0)))
        (v128.store (local.get $pq) (f64x2.add (v128.load (local.get $pq)) (v128.load (local.get $pq))))
        (local.set $k0 (i32.add (local.get $k0) (i32.const 16)))
        (br $double))))

  ;; One group's share of a Kronecker Gram (vkernel/design-rows.ts): T[ro[r] + co[c]] +=
  ;; sum_{k < g} X[k, r] Y[k, c] for r < nr, c < nc, a small matrix product over the group's points
  ;; k. X [g, nr4] at $x and Y [g, nc4] at $y (nr4, nc4: nr, nc rounded up to multiples of 4,
  ;; padding zero); ro, co int32 float64 indices into T at $t. Blocks of four r (two f64x2 of X)
  ;; by four c (splats of Y), 8 accumulators, summed over k in order, then added to T through the
  ;; scratch (c at byte 32 c).
  (func (export "gram") (param $x i32) (param $nr i32) (param $y i32) (param $nc i32) (param $g i32)
    (param $ro i32) (param $co i32) (param $t i32)
    (local $xb i32) (local $yb i32) (local $r0 i32) (local $c0 i32) (local $px i32) (local $py i32)
    (local $end i32) (local $r i32) (local $c i32) (local $rn i32) (local $cn i32) (local $pt i32) (local $tc i32)
    (local $a0 v128) (local $a1 v128) (local $b v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $xb (i32.shl (i32.and (i32.add (local.get $nr) (i32.const 3)) (i32.const -4)) (i32.const 3)))
    (local.set $yb (i32.shl (i32.and (i32.add (local.get $nc) (i32.const 3)) (i32.const -4)) (i32.const 3)))
    (local.set $r0 (i32.const 0))
    (block $rDone
      (loop $rBlocks
        (br_if $rDone (i32.ge_u (local.get $r0) (local.get $nr)))
        (local.set $c0 (i32.const 0))
        (block $cDone
          (loop $cBlocks
            (br_if $cDone (i32.ge_u (local.get $c0) (local.get $nc)))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0))
            (local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0))
            (local.set $px (i32.add (local.get $x) (i32.shl (local.get $r0) (i32.const 3))))
            (local.set $py (i32.add (local.get $y) (i32.shl (local.get $c0) (i32.const 3))))
            (local.set $end (i32.add (local.get $px) (i32.mul (local.get $g) (local.get $xb))))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $px) (local.get $end)))
                (local.set $a0 (v128.load (local.get $px)))
                (local.set $a1 (v128.load offset=16 (local.get $px)))
                (local.set $b (v128.load64_splat (local.get $py)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $a0) (local.get $b))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $a1) (local.get $b))))
                (local.set $b (v128.load64_splat offset=8 (local.get $py)))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $a0) (local.get $b))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $a1) (local.get $b))))
                (local.set $b (v128.load64_splat offset=16 (local.get $py)))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $a0) (local.get $b))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $a1) (local.get $b))))
                (local.set $b (v128.load64_splat offset=24 (local.get $py)))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $a0) (local.get $b))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $a1) (local.get $b))))
                (local.set $px (i32.add (local.get $px) (local.get $xb)))
                (local.set $py (i32.add (local.get $py) (local.get $yb)))
                (br $kLoop)))
            (v128.store (i32.const 0) (local.get $s00))
            (v128.store (i32.const 16) (local.get $s01))
            (v128.store (i32.const 32) (local.get $s10))
            (v128.store (i32.const 48) (local.get $s11))
            (v128.store (i32.const 64) (local.get $s20))
            (v128.store (i32.const 80) (local.get $s21))
            (v128.store (i32.const 96) (local.get $s30))
            (v128.store (i32.const 112) (local.get $s31))
            (local.set $rn (i32.sub (local.get $nr) (local.get $r0)))
            (if (i32.gt_u (local.get $rn) (i32.const 4)) (then (local.set $rn (i32.const 4))))
            (local.set $cn (i32.sub (local.get $nc) (local.get $c0)))
            (if (i32.gt_u (local.get $cn) (i32.const 4)) (then (local.set $cn (i32.const 4))))
            (local.set $c (i32.const 0))
            (loop $scatterC
              (local.set $tc (i32.add (local.get $t) (i32.shl
                (i32.load (i32.add (local.get $co) (i32.shl (i32.add (local.get $c0) (local.get $c)) (i32.const 2))))
                (i32.const 3))))
              (local.set $r (i32.const 0))
              (loop $scatterR
                (local.set $pt (i32.add (local.get $tc) (i32.shl
                  (i32.load (i32.add (local.get $ro) (i32.shl (i32.add (local.get $r0) (local.get $r)) (i32.const 2))))
                  (i32.const 3))))
                (f64.store (local.get $pt) (f64.add (f64.load (local.get $pt))
                  (f64.load (i32.shl (i32.add (i32.shl (local.get $c) (i32.const 2)) (local.get $r)) (i32.const 3)))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br_if $scatterR (i32.lt_u (local.get $r) (local.get $rn))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $scatterC (i32.lt_u (local.get $c) (local.get $cn))))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 4)))
            (br $cBlocks)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
        (br $rBlocks))))

  ;; One factor of the dual ridge Gram (particles/train.ts dual): K[i, k] *= sum_{c < n} R[i, c]
  ;; R[k, c] for k <= i < P, in the s x s matrix at $kp. $pp: R's rows two by two, [pairs, n, 2]
  ;; (rows 2h and 2h + 1 side by side, zero rows past P, two more pairs than the rows need); row
  ;; i is read from there too, 16 bytes apart. A step takes k .. k + 3 (two vectors); a row's last
  ;; step may reach past k = i into the upper triangle (within the row: s is P rounded up to a
  ;; multiple of 4), which chol neither reads nor writes. Each lane sums over c in order from 0
  ;; and multiplies K by the sum, as the JS loop: the same bits.
  (func (export "dgram") (param $pp i32) (param $n i32) (param $P i32) (param $kp i32) (param $s i32)
    (local $i i32) (local $h i32) (local $hEnd i32) (local $c i32) (local $ri i32) (local $q i32) (local $kr i32)
    (local $nb i32) (local $a v128) (local $G0 v128) (local $G1 v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 4)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $P)))
        (local.set $ri (i32.add (i32.add (local.get $pp) (i32.mul (i32.shr_u (local.get $i) (i32.const 1)) (local.get $nb)))
          (i32.shl (i32.and (local.get $i) (i32.const 1)) (i32.const 3))))
        (local.set $kr (i32.add (local.get $kp) (i32.shl (i32.mul (local.get $i) (local.get $s)) (i32.const 3))))
        ;; pairs 0 .. (i >> 1), two per step
        (local.set $hEnd (i32.and (i32.add (i32.shr_u (local.get $i) (i32.const 1)) (i32.const 2)) (i32.const -2)))
        (local.set $h (i32.const 0))
        (loop $pairs
          (local.set $q (i32.add (local.get $pp) (i32.mul (local.get $h) (local.get $nb))))
          (local.set $G0 (v128.const f64x2 0 0))
          (local.set $G1 (v128.const f64x2 0 0))
          (local.set $c (i32.const 0))
          (loop $dot
            (local.set $a (f64x2.splat (f64.load (i32.add (local.get $ri) (i32.shl (local.get $c) (i32.const 4))))))
            (local.set $G0 (f64x2.add (local.get $G0) (f64x2.mul (local.get $a) (v128.load (local.get $q)))))
            (local.set $G1 (f64x2.add (local.get $G1)
              (f64x2.mul (local.get $a) (v128.load (i32.add (local.get $q) (local.get $nb))))))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $dot (i32.lt_u (local.get $c) (local.get $n))))
          (local.set $q (i32.add (local.get $kr) (i32.shl (local.get $h) (i32.const 4))))
          (v128.store (local.get $q) (f64x2.mul (v128.load (local.get $q)) (local.get $G0)))
          (v128.store offset=16 (local.get $q) (f64x2.mul (v128.load offset=16 (local.get $q)) (local.get $G1)))
          (local.set $h (i32.add (local.get $h) (i32.const 2)))
          (br_if $pairs (i32.lt_u (local.get $h) (local.get $hEnd))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; Bootstrap replicates of the total variation (study/compare.ts tvReplicates), one block of
  ;; n <= 64 bins, all B replicates. Per side with members (its lists: $st start [B + 1] int32,
  ;; $m drawn members int32, $w their weights, $tt totals [B]; $b its block [members, 64]): acc[j] =
  ;; (sum over its drawn members i in order of w[i] blk[m[i], j]) / total[r], all 64 columns, 16 at
  ;; a time; a side with $st = 0 keeps the acc its caller filled. Then sums[r] += |accP[j] - accQ[j]|
  ;; for j < n in order. The JS loops' operations in their order: the same bits.
  (func $pooled (param $b i32) (param $st i32) (param $m i32) (param $w i32) (param $tt i32) (param $acc i32) (param $r i32)
    (local $from i32) (local $to i32) (local $i i32) (local $j i32) (local $o i32) (local $c v128) (local $tot v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $from (i32.load (i32.add (local.get $st) (i32.shl (local.get $r) (i32.const 2)))))
    (local.set $to (i32.load offset=4 (i32.add (local.get $st) (i32.shl (local.get $r) (i32.const 2)))))
    (local.set $tot (f64x2.splat (f64.load (i32.add (local.get $tt) (i32.shl (local.get $r) (i32.const 3))))))
    (loop $cols
      (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
      (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
      (local.set $a4 (v128.const f64x2 0 0)) (local.set $a5 (v128.const f64x2 0 0))
      (local.set $a6 (v128.const f64x2 0 0)) (local.set $a7 (v128.const f64x2 0 0))
      (local.set $i (local.get $from))
      (block $drawnDone
        (loop $drawn
          (br_if $drawnDone (i32.ge_u (local.get $i) (local.get $to)))
          (local.set $c (f64x2.splat (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3))))))
          (local.set $o (i32.add (local.get $b) (i32.add
            (i32.shl (i32.load (i32.add (local.get $m) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 9))
            (i32.shl (local.get $j) (i32.const 3)))))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $c) (v128.load (local.get $o)))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $c) (v128.load offset=16 (local.get $o)))))
          (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $c) (v128.load offset=32 (local.get $o)))))
          (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $c) (v128.load offset=48 (local.get $o)))))
          (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $c) (v128.load offset=64 (local.get $o)))))
          (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $c) (v128.load offset=80 (local.get $o)))))
          (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $c) (v128.load offset=96 (local.get $o)))))
          (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $c) (v128.load offset=112 (local.get $o)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $drawn)))
      (local.set $o (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
      (v128.store (local.get $o) (f64x2.div (local.get $a0) (local.get $tot)))
      (v128.store offset=16 (local.get $o) (f64x2.div (local.get $a1) (local.get $tot)))
      (v128.store offset=32 (local.get $o) (f64x2.div (local.get $a2) (local.get $tot)))
      (v128.store offset=48 (local.get $o) (f64x2.div (local.get $a3) (local.get $tot)))
      (v128.store offset=64 (local.get $o) (f64x2.div (local.get $a4) (local.get $tot)))
      (v128.store offset=80 (local.get $o) (f64x2.div (local.get $a5) (local.get $tot)))
      (v128.store offset=96 (local.get $o) (f64x2.div (local.get $a6) (local.get $tot)))
      (v128.store offset=112 (local.get $o) (f64x2.div (local.get $a7) (local.get $tot)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $cols (i32.lt_u (local.get $j) (i32.const 64)))))

  (func (export "tvblk") (param $n i32) (param $B i32) (param $sums i32)
    (param $bp i32) (param $sp i32) (param $mp i32) (param $wp i32) (param $tp i32) (param $ap i32)
    (param $bq i32) (param $sq i32) (param $mq i32) (param $wq i32) (param $tq i32) (param $aq i32)
    (local $r i32) (local $j i32) (local $s f64) (local $o i32)
    (block $done
      (loop $rep
        (br_if $done (i32.ge_u (local.get $r) (local.get $B)))
        (if (local.get $sp) (then (call $pooled (local.get $bp) (local.get $sp) (local.get $mp) (local.get $wp) (local.get $tp) (local.get $ap) (local.get $r))))
        (if (local.get $sq) (then (call $pooled (local.get $bq) (local.get $sq) (local.get $mq) (local.get $wq) (local.get $tq) (local.get $aq) (local.get $r))))
        (local.set $o (i32.add (local.get $sums) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $s (f64.load (local.get $o)))
        (local.set $j (i32.const 0))
        (block $binsDone
          (loop $bins
            (br_if $binsDone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $s (f64.add (local.get $s) (f64.abs (f64.sub
              (f64.load (i32.add (local.get $ap) (i32.shl (local.get $j) (i32.const 3))))
              (f64.load (i32.add (local.get $aq) (i32.shl (local.get $j) (i32.const 3))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $bins)))
        (f64.store (local.get $o) (local.get $s))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rep))))

  ;; The primal normal matrix of a sparse design (particles/train.ts primal): for each sample
  ;; p < P in order, G[idx[a] F + idx[b]] += (lam[p] val[a]) val[b] for a <= b < nnz[p], with
  ;; sample p's entries at idx + 4 p w (int32) and val + 8 p w (float64), w entries apart. The
  ;; JS loop's operations in its order (plain f64 mul and add), so the same bits.
  (func (export "sranks") (param $g i32) (param $F i32) (param $idx i32) (param $val i32) (param $nnz i32)
    (param $lam i32) (param $P i32) (param $w i32)
    (local $p i32) (local $n i32) (local $ia i32) (local $va i32) (local $a i32) (local $b i32)
    (local $li f64) (local $v f64) (local $row i32) (local $q i32)
    (local.set $p (i32.const 0))
    (block $pDone
      (loop $pLoop
        (br_if $pDone (i32.ge_u (local.get $p) (local.get $P)))
        (local.set $n (i32.load (i32.add (local.get $nnz) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $li (f64.load (i32.add (local.get $lam) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $ia (i32.add (local.get $idx) (i32.shl (i32.mul (local.get $p) (local.get $w)) (i32.const 2))))
        (local.set $va (i32.add (local.get $val) (i32.shl (i32.mul (local.get $p) (local.get $w)) (i32.const 3))))
        (local.set $a (i32.const 0))
        (block $aDone
          (loop $aLoop
            (br_if $aDone (i32.ge_u (local.get $a) (local.get $n)))
            (local.set $v (f64.mul (local.get $li) (f64.load (i32.add (local.get $va) (i32.shl (local.get $a) (i32.const 3))))))
            (local.set $row (i32.add (local.get $g)
              (i32.shl (i32.mul (i32.load (i32.add (local.get $ia) (i32.shl (local.get $a) (i32.const 2)))) (local.get $F)) (i32.const 3))))
            (local.set $b (local.get $a))
            (block $bDone
              (loop $bLoop
                (br_if $bDone (i32.ge_u (local.get $b) (local.get $n)))
                (local.set $q (i32.add (local.get $row)
                  (i32.shl (i32.load (i32.add (local.get $ia) (i32.shl (local.get $b) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $q) (f64.add (f64.load (local.get $q))
                  (f64.mul (local.get $v) (f64.load (i32.add (local.get $va) (i32.shl (local.get $b) (i32.const 3)))))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bLoop)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $aLoop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pLoop)))
  )
)
