package dev.chainrule.kernels;

/**
 * Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, 2016) for 3×3 stride-1 convolutions: the transforms
 * and their adjoints, each beside the other. The products between the transforms are {@link Gemm} calls made by
 * the layer.
 *
 * <p>An output tile of 2×2 pixels reads a 4×4 input window d (windows 2 apart, so neighbours overlap by 2). With
 * <pre>
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1]
 * </pre>
 * one channel pair's tile is {@code y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A}. Over channels the element-wise product becomes
 * sixteen matrix products, one per position ξ of the 4×4 transform domain:
 * {@code M_ξ = U_ξ·V_ξ} with {@code U_ξ[o][c] = (G g_oc Gᵀ)_ξ} ({@code C_out × C_in}) and
 * {@code V_ξ[c][t] = (Bᵀ d_ct B)_ξ} ({@code C_in × T}, T tiles), then {@code y_ot = Aᵀ M_·ot A}:
 * 16·C_out·C_in multiply-adds per tile of 4 pixels against 36·C_out·C_in for the direct form (2.25× fewer).
 *
 * <p>Backward, every map is linear, so each gradient is the adjoint map: {@code dM = A dY Aᵀ} (4×4 from 2×2),
 * {@code dV_ξ = U_ξᵀ·dM_ξ} and {@code dd = B dV Bᵀ} added onto the window (the input gradient),
 * {@code dU_ξ = Σ_t dM_ξ·V_ξᵀ} and {@code dg = Gᵀ dU G} (the kernel gradient).
 *
 * <p>Rounding: the transforms only add, subtract and halve (½ is exact), so against the direct sums the results
 * differ by a few ulps of the terms' magnitudes; the tests bound the normwise difference by 1e-13.
 *
 * <p>Layouts: an image is {@code C × H2 × W2} with {@code H2 = 2·th + 2}, {@code W2 = 2·tw + 2} for {@code th × tw}
 * tiles (the layer copies its input inside a zero border that covers padding and the round-up to whole tiles);
 * a transform-domain array holds entry (ξ, channel, tile t) at {@code ξ·xs + channel·cs + (t0 + t)·ts} (strides
 * chosen by the caller, so the products read and write them in whichever orientation avoids edge tiles), tiles in
 * row-major (ty, tx) order.
 */
public final class Winograd {
    /** Positions of the 4×4 transform domain. */
    public static final int XI = 16;

    private Winograd() {
    }

    /**
     * {@code U[ξ][o][c] = (G g_oc Gᵀ)_ξ} for a kernel stored {@code C_out × C_in × 3 × 3}; {@code u} holds
     * {@code 16·C_out·C_in}. The map is linear in K: its Jacobian is {@code 16·C_out·C_in × 9·C_out·C_in}, block
     * diagonal over (o, c) with the 16×9 block {@code G ⊗ G}.
     */
    public static void kernelTransform(double[] k, int cout, int cin, double[] u) {
        int plane = cout * cin;
        double[] h = new double[12];
        for (int oc = 0; oc < plane; oc++) {
            int g = oc * 9;
            // G g: 4×3, by columns b
            for (int b = 0; b < 3; b++) {
                double g0 = k[g + b];
                double g1 = k[g + 3 + b];
                double g2 = k[g + 6 + b];
                h[b] = g0;
                h[3 + b] = 0.5 * (g0 + g1 + g2);
                h[6 + b] = 0.5 * (g0 - g1 + g2);
                h[9 + b] = g2;
            }
            // (G g) Gᵀ: 4×4, by rows i
            for (int i = 0; i < 4; i++) {
                double h0 = h[3 * i];
                double h1 = h[3 * i + 1];
                double h2 = h[3 * i + 2];
                int xi = 4 * i;
                u[xi * plane + oc] = h0;
                u[(xi + 1) * plane + oc] = 0.5 * (h0 + h1 + h2);
                u[(xi + 2) * plane + oc] = 0.5 * (h0 - h1 + h2);
                u[(xi + 3) * plane + oc] = h2;
            }
        }
    }

    /**
     * {@link #kernelTransform}'s adjoint, added: {@code dK_oc += Gᵀ dU_oc G} (3×3 from 4×4), dU laid out as U.
     * Jacobian: the transpose of kernelTransform's, {@code 9·C_out·C_in × 16·C_out·C_in}.
     */
    public static void kernelTransformAdjoint(double[] du, int cout, int cin, double[] dk) {
        int plane = cout * cin;
        double[] z = new double[12];
        for (int oc = 0; oc < plane; oc++) {
            // Gᵀ dU: 3×4, by columns j
            for (int j = 0; j < 4; j++) {
                double u0 = du[j * plane + oc];
                double u1 = du[(4 + j) * plane + oc];
                double u2 = du[(8 + j) * plane + oc];
                double u3 = du[(12 + j) * plane + oc];
                z[j] = u0 + 0.5 * (u1 + u2);
                z[4 + j] = 0.5 * (u1 - u2);
                z[8 + j] = 0.5 * (u1 + u2) + u3;
            }
            // (Gᵀ dU) G: 3×3, by rows a
            int g = oc * 9;
            for (int a = 0; a < 3; a++) {
                double z0 = z[4 * a];
                double z1 = z[4 * a + 1];
                double z2 = z[4 * a + 2];
                double z3 = z[4 * a + 3];
                dk[g + 3 * a] += z0 + 0.5 * (z1 + z2);
                dk[g + 3 * a + 1] += 0.5 * (z1 - z2);
                dk[g + 3 * a + 2] += 0.5 * (z1 + z2) + z3;
            }
        }
    }

    /**
     * {@code V[ξ][c][t0 + t] = (Bᵀ d_ct B)_ξ}, d the 4×4 window of channel c at rows {@code 2·ty…2·ty+3}, columns
     * {@code 2·tx…2·tx+3} of the image at {@code img[off…]}. Linear in the image: each output reads 16 inputs with
     * coefficients 0, ±1 (the Jacobian is {@code 16·C·T × C·H2·W2}, each row with at most 4 non-zeros).
     */
    public static void inputTransform(double[] img, int off, int cin, int th, int tw, double[] v, int xs, int cs,
            int ts, int t0) {
        int w2 = 2 * tw + 2;
        int plane = (2 * th + 2) * w2;
        int xiStride = xs;
        for (int c = 0; c < cin; c++) {
            int base = off + c * plane;
            int col = c * cs + t0 * ts;
            for (int ty = 0; ty < th; ty++) {
                int r0 = base + 2 * ty * w2;
                int r1 = r0 + w2;
                int r2 = r1 + w2;
                int r3 = r2 + w2;
                for (int tx = 0; tx < tw; tx++, col += ts) {
                    int x = 2 * tx;
                    // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3, column by column
                    double a0 = img[r0 + x] - img[r2 + x];
                    double a1 = img[r0 + x + 1] - img[r2 + x + 1];
                    double a2 = img[r0 + x + 2] - img[r2 + x + 2];
                    double a3 = img[r0 + x + 3] - img[r2 + x + 3];
                    double b0 = img[r1 + x] + img[r2 + x];
                    double b1 = img[r1 + x + 1] + img[r2 + x + 1];
                    double b2 = img[r1 + x + 2] + img[r2 + x + 2];
                    double b3 = img[r1 + x + 3] + img[r2 + x + 3];
                    double c0 = img[r2 + x] - img[r1 + x];
                    double c1 = img[r2 + x + 1] - img[r1 + x + 1];
                    double c2 = img[r2 + x + 2] - img[r1 + x + 2];
                    double c3 = img[r2 + x + 3] - img[r1 + x + 3];
                    double e0 = img[r1 + x] - img[r3 + x];
                    double e1 = img[r1 + x + 1] - img[r3 + x + 1];
                    double e2 = img[r1 + x + 2] - img[r3 + x + 2];
                    double e3 = img[r1 + x + 3] - img[r3 + x + 3];
                    // (·) B: the same combination along each row
                    v[col] = a0 - a2;
                    v[xiStride + col] = a1 + a2;
                    v[2 * xiStride + col] = a2 - a1;
                    v[3 * xiStride + col] = a1 - a3;
                    v[4 * xiStride + col] = b0 - b2;
                    v[5 * xiStride + col] = b1 + b2;
                    v[6 * xiStride + col] = b2 - b1;
                    v[7 * xiStride + col] = b1 - b3;
                    v[8 * xiStride + col] = c0 - c2;
                    v[9 * xiStride + col] = c1 + c2;
                    v[10 * xiStride + col] = c2 - c1;
                    v[11 * xiStride + col] = c1 - c3;
                    v[12 * xiStride + col] = e0 - e2;
                    v[13 * xiStride + col] = e1 + e2;
                    v[14 * xiStride + col] = e2 - e1;
                    v[15 * xiStride + col] = e1 - e3;
                }
            }
        }
    }

    /**
     * {@link #inputTransform}'s adjoint, added: {@code dimg[window of (c, t)] += B dV_ct Bᵀ}, tiles in (ty, tx)
     * order, so each image entry's (up to four) contributions arrive in a fixed order.
     */
    public static void inputTransformAdjoint(double[] dv, int xs, int cs, int ts, int t0, int cin, int th, int tw,
            double[] dimg, int off) {
        int w2 = 2 * tw + 2;
        int plane = (2 * th + 2) * w2;
        int xiStride = xs;
        for (int c = 0; c < cin; c++) {
            int base = off + c * plane;
            int col = c * cs + t0 * ts;
            for (int ty = 0; ty < th; ty++) {
                int r0 = base + 2 * ty * w2;
                int r1 = r0 + w2;
                int r2 = r1 + w2;
                int r3 = r2 + w2;
                for (int tx = 0; tx < tw; tx++, col += ts) {
                    int x = 2 * tx;
                    // dV Bᵀ, row by row: [w0, w1 − w2 + w3, −w0 + w1 + w2, −w3] of each row w of dV
                    double a0 = dv[col];
                    double a1 = dv[xiStride + col];
                    double a2 = dv[2 * xiStride + col];
                    double a3 = dv[3 * xiStride + col];
                    double b0 = dv[4 * xiStride + col];
                    double b1 = dv[5 * xiStride + col];
                    double b2 = dv[6 * xiStride + col];
                    double b3 = dv[7 * xiStride + col];
                    double c0 = dv[8 * xiStride + col];
                    double c1 = dv[9 * xiStride + col];
                    double c2 = dv[10 * xiStride + col];
                    double c3 = dv[11 * xiStride + col];
                    double e0 = dv[12 * xiStride + col];
                    double e1 = dv[13 * xiStride + col];
                    double e2 = dv[14 * xiStride + col];
                    double e3 = dv[15 * xiStride + col];
                    double a1x = a1 - a2 + a3;
                    double a2x = a1 + a2 - a0;
                    double b1x = b1 - b2 + b3;
                    double b2x = b1 + b2 - b0;
                    double c1x = c1 - c2 + c3;
                    double c2x = c1 + c2 - c0;
                    double e1x = e1 - e2 + e3;
                    double e2x = e1 + e2 - e0;
                    // B (·): rows [w0, w1 − w2 + w3, −w0 + w1 + w2, −w3] with w the rows a, b, c, e above
                    dimg[r0 + x] += a0;
                    dimg[r0 + x + 1] += a1x;
                    dimg[r0 + x + 2] += a2x;
                    dimg[r0 + x + 3] -= a3;
                    dimg[r1 + x] += b0 - c0 + e0;
                    dimg[r1 + x + 1] += b1x - c1x + e1x;
                    dimg[r1 + x + 2] += b2x - c2x + e2x;
                    dimg[r1 + x + 3] -= b3 - c3 + e3;
                    dimg[r2 + x] += b0 + c0 - a0;
                    dimg[r2 + x + 1] += b1x + c1x - a1x;
                    dimg[r2 + x + 2] += b2x + c2x - a2x;
                    dimg[r2 + x + 3] -= b3 + c3 - a3;
                    dimg[r3 + x] -= e0;
                    dimg[r3 + x + 1] -= e1x;
                    dimg[r3 + x + 2] -= e2x;
                    dimg[r3 + x + 3] += e3;
                }
            }
        }
    }

    /**
     * {@code y[o][2·ty + i][2·tx + j] = (Aᵀ M_·ot A)_ij + bias[o]} for the pixels inside {@code oh × ow} (a tile's
     * row or column past the edge is dropped); y is channel-major {@code C_out × oh × ow} from {@code yOff}.
     * Linear in M: each output reads 9 of its tile's 16 entries with coefficients ±1.
     */
    public static void outputTransform(double[] m, int xs, int cs, int ts, int t0, int cout, int th, int tw,
            double[] bias, double[] y, int yOff, int oh, int ow) {
        int xiStride = xs;
        for (int o = 0; o < cout; o++) {
            int col = o * cs + t0 * ts;
            double bo = bias[o];
            int yb = yOff + o * oh * ow;
            for (int ty = 0; ty < th; ty++) {
                int oy = 2 * ty;
                for (int tx = 0; tx < tw; tx++, col += ts) {
                    double m0 = m[col];
                    double m1 = m[xiStride + col];
                    double m2 = m[2 * xiStride + col];
                    double m3 = m[3 * xiStride + col];
                    double m4 = m[4 * xiStride + col];
                    double m5 = m[5 * xiStride + col];
                    double m6 = m[6 * xiStride + col];
                    double m7 = m[7 * xiStride + col];
                    double m8 = m[8 * xiStride + col];
                    double m9 = m[9 * xiStride + col];
                    double m10 = m[10 * xiStride + col];
                    double m11 = m[11 * xiStride + col];
                    double m12 = m[12 * xiStride + col];
                    double m13 = m[13 * xiStride + col];
                    double m14 = m[14 * xiStride + col];
                    double m15 = m[15 * xiStride + col];
                    // Aᵀ M: rows s0 = M0 + M1 + M2, s1 = M1 − M2 − M3
                    double s00 = m0 + m4 + m8;
                    double s01 = m1 + m5 + m9;
                    double s02 = m2 + m6 + m10;
                    double s03 = m3 + m7 + m11;
                    double s10 = m4 - m8 - m12;
                    double s11 = m5 - m9 - m13;
                    double s12 = m6 - m10 - m14;
                    double s13 = m7 - m11 - m15;
                    int ox = 2 * tx;
                    int at = yb + oy * ow + ox;
                    y[at] = s00 + s01 + s02 + bo;
                    if (ox + 1 < ow) {
                        y[at + 1] = s01 - s02 - s03 + bo;
                    }
                    if (oy + 1 < oh) {
                        y[at + ow] = s10 + s11 + s12 + bo;
                        if (ox + 1 < ow) {
                            y[at + ow + 1] = s11 - s12 - s13 + bo;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #outputTransform}'s adjoint (bias left out): {@code dM_·ot = A dY_ot Aᵀ}, dY the tile's 2×2 gradient
     * read from g (channel-major {@code C_out × oh × ow} from {@code gOff}), zero past the edge.
     */
    public static void outputTransformAdjoint(double[] g, int gOff, int cout, int th, int tw, int oh, int ow,
            double[] dm, int xs, int cs, int ts, int t0) {
        int xiStride = xs;
        for (int o = 0; o < cout; o++) {
            int col = o * cs + t0 * ts;
            int gb = gOff + o * oh * ow;
            for (int ty = 0; ty < th; ty++) {
                int oy = 2 * ty;
                for (int tx = 0; tx < tw; tx++, col += ts) {
                    int ox = 2 * tx;
                    int at = gb + oy * ow + ox;
                    boolean right = ox + 1 < ow;
                    boolean down = oy + 1 < oh;
                    double e00 = g[at];
                    double e01 = right ? g[at + 1] : 0.0;
                    double e10 = down ? g[at + ow] : 0.0;
                    double e11 = right && down ? g[at + ow + 1] : 0.0;
                    // A dY: rows q0 = e0, q1 = e0 + e1, q2 = e0 − e1, q3 = −e1 (e0, e1 the rows of dY)
                    double q10 = e00 + e10;
                    double q11 = e01 + e11;
                    double q20 = e00 - e10;
                    double q21 = e01 - e11;
                    // (·) Aᵀ: each row [a, b] becomes [a, a + b, a − b, −b]
                    dm[col] = e00;
                    dm[xiStride + col] = e00 + e01;
                    dm[2 * xiStride + col] = e00 - e01;
                    dm[3 * xiStride + col] = -e01;
                    dm[4 * xiStride + col] = q10;
                    dm[5 * xiStride + col] = q10 + q11;
                    dm[6 * xiStride + col] = q10 - q11;
                    dm[7 * xiStride + col] = -q11;
                    dm[8 * xiStride + col] = q20;
                    dm[9 * xiStride + col] = q20 + q21;
                    dm[10 * xiStride + col] = q20 - q21;
                    dm[11 * xiStride + col] = -q21;
                    dm[12 * xiStride + col] = -e10;
                    dm[13 * xiStride + col] = -(e10 + e11);
                    dm[14 * xiStride + col] = e11 - e10;
                    dm[15 * xiStride + col] = e11;
                }
            }
        }
    }
}
