using ImageCaptioning.Model;

namespace ImageCaptioning.Training.Autograd;

public static partial class Ops
{
    /// <summary>
    /// LSTM cell (gate order i, f, g, o) from pre-activation gates [R, 4H] and the previous cell [R, H].
    /// Returns the new hidden and cell states, each [R, H].
    /// </summary>
    public static (Tensor H, Tensor C) LstmCell(Tape tape, Tensor gates, Tensor cPrev)
    {
        int rows = gates.Rows, hidden = gates.Cols / 4;
        bool grad = gates.RequiresGrad || cPrev.RequiresGrad;
        var act = tape.Rent(rows * 4 * hidden);       // activated gates, kept for backward
        gates.Values.CopyTo(act);
        var h = tape.NewTensor(rows, hidden, grad);
        var c = tape.NewTensor(rows, hidden, grad);
        DecoderKernels.LstmCell(act.AsSpan(0, rows * 4 * hidden), cPrev.Values, rows, hidden, c.Values, h.Values);
        if (grad)
            tape.Record(() =>
            {
                // With i, f, g, o the activated gates and tc = tanh(c):
                // do = dh·tc;  dc_tot = dc + dh·o·(1 − tc²);  di = dc_tot·g;  df = dc_tot·c_prev;  dg = dc_tot·i;  dc_prev = dc_tot·f
                // then back through the activations: σ' = s(1 − s), tanh' = 1 − t².
                bool hasDh = h.HasGrad, hasDc = c.HasGrad;
                if (!hasDh && !hasDc) return;
                var dh = hasDh ? h.Grad : default; var dc = hasDc ? c.Grad : default;
                var cv = c.Values; var cp = cPrev.Values;
                Span<float> dGates = gates.RequiresGrad ? gates.Grad : default;
                Span<float> dcPrev = cPrev.RequiresGrad ? cPrev.Grad : default;
                for (int r = 0; r < rows; r++)
                {
                    int g0 = r * 4 * hidden, s0 = r * hidden;
                    for (int k = 0; k < hidden; k++)
                    {
                        float ig = act[g0 + k], fg = act[g0 + hidden + k], gg = act[g0 + 2 * hidden + k], og = act[g0 + 3 * hidden + k];
                        float tc = MathF.Tanh(cv[s0 + k]);
                        float dhk = hasDh ? dh[s0 + k] : 0f;
                        float dct = (hasDc ? dc[s0 + k] : 0f) + dhk * og * (1f - tc * tc);
                        if (!dGates.IsEmpty)
                        {
                            dGates[g0 + k] += dct * gg * ig * (1f - ig);
                            dGates[g0 + hidden + k] += dct * cp[s0 + k] * fg * (1f - fg);
                            dGates[g0 + 2 * hidden + k] += dct * ig * (1f - gg * gg);
                            dGates[g0 + 3 * hidden + k] += dhk * tc * og * (1f - og);
                        }
                        if (!dcPrev.IsEmpty) dcPrev[s0 + k] += dct * fg;
                    }
                }
            });
        return (h, c);
    }
}
